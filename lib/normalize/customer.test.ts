import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateSeed } from "../sandbox/core/seed";
import { normalizeAddress, normalizeEmail, normalizeInvoiceNumber, normalizeName } from "./customer";

/** Realistic messy text: letters with and without accents, case, spaces, punctuation. */
const messyText = fc.string({
  unit: fc.constantFrom(..."aAbBcCeEiIoOsSzZ0123456789 éÉüÜåÅñßøæ&.,'-’()#/  \t".split("")),
  maxLength: 30,
});
const anyText = fc.string({ unit: "grapheme", maxLength: 30 });

describe("normalizeName", () => {
  it.each([
    // The sandbox seed's messy names.
    ["  ACME INDUSTRIES INC ", "acme industries"],
    ["Acme  Industries Inc.", "acme industries"],
    ["Acme Industries", "acme industries"],
    ["Société Foods S.A.", "societe foods"],
    ["SOCIÉTÉ FOODS S.A.", "societe foods"],
    ["O'Brien Labs Pty Ltd", "obrien labs"],
    ["O’Brien Labs", "obrien labs"],
    ["Åkesson Studio GmbH", "akesson studio"],
    ["Müller Bakery B.V.", "muller bakery"],
    ["Muller Bakery BV", "muller bakery"],
    ["Pied Piper Holdings LLC", "pied piper holdings"],
    ["Pied Piper Holdings, L.L.C.", "pied piper holdings"],
    // Repeated, multi-word and spaced legal forms.
    ["Foo Co., Ltd.", "foo"],
    ["Foo Co.,Ltd.", "foo"],
    ["Foo GmbH & Co. KG", "foo"],
    ["Smith & Co.", "smith"],
    ["Smith and Company", "smith"],
    ["Bar S. A.", "bar"],
    ["Baz S.p.A.", "baz"],
    ["Qux S.A.S.", "qux"],
    ["Nordic Tools Oy", "nordic tools"],
    ["Volvo AB", "volvo"],
    ["Tokyo Trading K.K.", "tokyo trading"],
    ["Widgets Corporation", "widgets"],
    ["Widgets Incorporated", "widgets"],
    ["Partners LLP", "partners"],
    // Never reduced to nothing.
    ["Limited", "limited"],
    ["The Company", "company"],
    ["Co Ltd", "co"],
    ["The", "the"],
    // Leading "The", "&", punctuation, spacing, symbols, Unicode forms.
    ["The Acme Group", "acme group"],
    ["Procter & Gamble Co.", "procter and gamble"],
    ["Johnson&Johnson", "johnson and johnson"],
    ["Coca-Cola Company", "coca cola"],
    ["Acme™ Widgets®", "acme widgets"],
    ["ＡＣＭＥ　Ｉｎｃ", "acme"], // full-width letters and ideographic space (NFKC)
    ["Acme\u00a0Inc", "acme"], // no-break space
    ["Ac\u00adme Inc", "acme"], // soft hyphen
    ["Nguyễn Trading", "nguyen trading"],
    ["Straße GmbH", "strasse"],
    ["İstanbul Dış Ticaret A.Ş.", "istanbul dis ticaret"], // A.Ş. is Turkish for A.S.,
    ["3M Company", "3m"],
    ["", ""],
    ["  ", ""],
  ])("%j → %j", (name, key) => {
    expect(normalizeName(name)).toBe(key);
  });

  it("gives every sandbox seed customer the key of its name without noise or legal form", () => {
    const { customers } = generateSeed({ seed: 7, customers: 2000, invoices: 0, currencies: ["USD"] });
    const keys = new Set(customers.map((c) => normalizeName(c.name)));
    // 17 first words × 10 second words, whatever the suffix, case and spacing.
    expect(keys.size).toBeLessThanOrEqual(170);
    expect(keys.size).toBeGreaterThan(100);
    for (const key of keys) expect(key).toMatch(/^[a-z]+( [a-z]+){1,2}$/);
  });

  it("is idempotent", () => {
    fc.assert(fc.property(fc.oneof(messyText, anyText), (name) => {
      expect(normalizeName(normalizeName(name))).toBe(normalizeName(name));
    }), { numRuns: 2000 });
  });

  it("ignores case and spacing", () => {
    fc.assert(
      fc.property(messyText, (name) => {
        const key = normalizeName(name);
        expect(normalizeName(name.toUpperCase())).toBe(key);
        expect(normalizeName(name.toLowerCase())).toBe(key);
        expect(normalizeName(`  ${name.replace(/ /g, "   ")}\t`)).toBe(key);
      }),
      { numRuns: 1000 },
    );
  });

  it("ignores a trailing legal form, however written", () => {
    const word = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzéü".split("")), minLength: 4, maxLength: 10 });
    const suffix = fc.constantFrom("Inc", "Inc.", ", Inc.", "LLC", "L.L.C.", "Ltd", "Ltd.", "Limited", "GmbH", "AG", "S.A.", "SA", "S.A.S.", "SARL", "B.V.", "N.V.", "Pty Ltd", "PLC", "Corp.", "Co.", "Co., Ltd.", "KK", "Oy", "AB", "ApS", "SRL", "S.p.A.", "LLP", "LP", "& Co.");
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 3 }), suffix, (w, s) => {
        const base = w.join(" ");
        fc.pre(normalizeName(base) === w.join(" ").normalize("NFD").replace(/\p{M}/gu, "")); // the base has no legal form of its own
        expect(normalizeName(`${base} ${s}`)).toBe(normalizeName(base));
        expect(normalizeName(`The ${base.toUpperCase()}  ${s.toUpperCase()}`)).toBe(normalizeName(base));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("normalizeEmail", () => {
  it.each([
    ["billing1@acme.test", "billing1@acme.test"],
    ["  Billing1@ACME.Test ", "billing1@acme.test"],
    ["Jane Doe <Jane.Doe@Example.COM>", "jane.doe@example.com"],
    ["mailto:ap@globex.test", "ap@globex.test"],
    ["ap@globex.test.", "ap@globex.test"],
    ["ＡＰ＠ｇｌｏｂｅｘ.ｔｅｓｔ", "ap@globex.test"], // full-width (NFKC)
    ["ap+invoices@globex.test", "ap+invoices@globex.test"],
    ["", null],
    ["   ", null],
    [null, null],
    [undefined, null],
    ["not an email", null],
    ["@globex.test", null],
    ["ap@", null],
    ["ap@@globex.test", null],
    ["a p@globex.test", null],
  ])("%j → %j", (email, key) => {
    expect(normalizeEmail(email)).toBe(key);
  });

  it("is idempotent and case-insensitive", () => {
    const email = fc.oneof(fc.emailAddress(), anyText, fc.tuple(messyText, messyText).map(([a, b]) => `${a}@${b}`));
    fc.assert(
      fc.property(email, (e) => {
        const key = normalizeEmail(e);
        expect(key === null ? null : normalizeEmail(key)).toBe(key);
        // Where case mapping is reversible ("ß" upper-cases to "SS", which is another address).
        if (e.toUpperCase().toLowerCase() === e.toLowerCase()) expect(normalizeEmail(e.toUpperCase())).toBe(normalizeEmail(e.toLowerCase()));
      }),
      { numRuns: 2000 },
    );
  });

  it("accepts every valid address", () => {
    fc.assert(fc.property(fc.emailAddress(), (e) => {
      expect(normalizeEmail(e)).toBe(e.toLowerCase().replace(/\.+$/, ""));
    }));
  });
});

describe("normalizeAddress", () => {
  it.each([
    [{ line1: "123 Main Street", line2: "Suite 400", city: "Springfield", region: "IL", postalCode: "62701", country: "United States" }, "123 main st ste 400|springfield|il|62701|us"],
    [{ line1: "123 MAIN ST., STE #400", city: "  springfield ", region: "il", postalCode: " 62701 ", country: "USA" }, "123 main st ste 400|springfield|il|62701|us"],
    [{ line1: "123 Main St", line2: "Ste 400", city: "Springfield", region: "I.L.", postalCode: "62701", country: "US" }, "123 main st ste 400|springfield|il|62701|us"],
    [{ line1: "10 Downing Street", city: "London", postalCode: "sw1a 2aa", country: "United Kingdom" }, "10 downing st|london||SW1A2AA|gb"],
    [{ line1: "10 Downing St.", city: "LONDON", postalCode: "SW1A2AA", country: "UK" }, "10 downing st|london||SW1A2AA|gb"],
    [{ line1: "Hauptstraße 5", city: "München", postalCode: "80331", country: "Deutschland" }, "hauptstr 5|munchen||80331|de"],
    [{ line1: "Hauptstr. 5", city: "Munchen", postalCode: "80 331", country: "Germany" }, "hauptstr 5|munchen||80331|de"],
    [{ line1: "1 North Avenue", city: "Boston", postalCode: "02101-1234", country: "U.S.A." }, "1 n ave|boston||021011234|us"],
    [{ line1: "1 N. Ave", city: "Boston", postalCode: "02101 1234", country: "us" }, "1 n ave|boston||021011234|us"],
    [{ city: "Stockholm", country: "Sverige" }, "|stockholm|||se"],
    [{ country: "The Netherlands" }, "||||nl"],
    [{ country: "Atlantis" }, "||||atlantis"],
    [{ line1: "  ", city: "", country: null }, null],
    [{}, null],
    [null, null],
  ])("%j → %j", (address, key) => {
    expect(normalizeAddress(address)).toBe(key);
  });

  it("is idempotent: the parts of a key are their own keys", () => {
    const address = fc.record({ line1: fc.oneof(messyText, anyText), line2: messyText, city: messyText, region: messyText, postalCode: messyText, country: fc.oneof(messyText, fc.constantFrom("USA", "U.K.", "Deutschland", "The Netherlands")) }, { requiredKeys: [] });
    fc.assert(
      fc.property(address, (a) => {
        const key = normalizeAddress(a);
        if (key === null) return;
        const [line1, city, region, postalCode, country] = key.split("|");
        expect(normalizeAddress({ line1, city, region, postalCode, country })).toBe(key);
        const upper = a.line1?.toUpperCase();
        // Case variants only where upper-casing keeps the letters ("ᾀ" upper-cases to two letters).
        if (upper?.toLowerCase() === a.line1?.toLowerCase()) expect(normalizeAddress({ ...a, line1: upper, city: a.city ? ` ${a.city} ` : a.city })).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("normalizeInvoiceNumber", () => {
  it.each([
    ["INV-0042", "42"],
    ["inv 42", "42"],
    ["#42", "42"],
    ["No. 42", "42"],
    ["Invoice 0042", "42"],
    ["42", "42"],
    ["INV0042", "42"],
    ["Invoice #0042", "42"],
    ["Invoice No. 42", "42"],
    ["Bill Nr. 42", "42"],
    ["Nº 42", "42"],
    ["N° 42", "42"],
    ["ＩＮＶ－００４２", "42"], // full-width (NFKC)
    ["INV-01001", "1001"], // the sandbox seed's numbers
    ["ABC-42", "ABC42"],
    ["abc-0042", "ABC42"],
    ["3F2A1B9C-0007", "3F2A1B9C7"], // Stripe: customer prefix + sequence
    ["2024-0042", "202442"],
    ["2024/42", "202442"],
    ["INV-2026-001", "20261"],
    ["NOVA-7", "NOVA7"], // a word that only starts like a prefix stays
    ["INVENTORY-7", "INVENTORY7"],
    ["0", "0"],
    ["000", "0"],
    ["INV-000", "0"],
    ["INV-", null],
    ["Invoice", null],
    ["#", null],
    ["  ", null],
    ["", null],
    [null, null],
    [undefined, null],
  ])("%j → %j", (number, key) => {
    expect(normalizeInvoiceNumber(number)).toBe(key);
  });

  it("makes the usual ways of writing a number equal", () => {
    const prefix = fc.constantFrom("", "INV-", "inv ", "#", "No. ", "Invoice ", "Invoice #", "INVOICE NO. ", "Bill ", "Nr. ", "N° ", "inv");
    const zeros = fc.constantFrom("", "0", "00", "0000");
    fc.assert(
      fc.property(prefix, zeros, fc.integer({ min: 1, max: 10_000_000 }), fc.constantFrom("", " ", "  "), (p, z, n, pad) => {
        expect(normalizeInvoiceNumber(`${pad}${p}${z}${n}${pad}`)).toBe(String(n));
      }),
      { numRuns: 1000 },
    );
  });

  it("folds the capital sharp s as its lower case folds (a case fast-check found)", () => {
    expect(normalizeInvoiceNumber("ẞ-1")).toBe(normalizeInvoiceNumber("ß-1"));
    expect(normalizeInvoiceNumber("ẞ")).toBe("SS");
  });

  it("gives no key for pieces that only spell a prefix once joined (cases fast-check found)", () => {
    for (const n of ["ñ&O", "ñ.O", "ñ’O", "N.O."]) expect(normalizeInvoiceNumber(n)).toBeNull();
  });

  it("is idempotent", () => {
    const number = fc.oneof(anyText, messyText, fc.stringMatching(/^(INV|NO|#)?[-. ]?[0A-Z]{0,3}[-/ ]?0*\d{0,6}$/));
    fc.assert(
      fc.property(number, (n) => {
        const key = normalizeInvoiceNumber(n);
        expect(key === null ? null : normalizeInvoiceNumber(key)).toBe(key);
        expect(normalizeInvoiceNumber(n.toLowerCase())).toBe(normalizeInvoiceNumber(n.toUpperCase()));
      }),
      { numRuns: 3000 },
    );
  });
});
