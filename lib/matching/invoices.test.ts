import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { normalizeInvoiceNumber, normalizeName } from "../normalize/customer";
import { detailsScore, InvoiceIndex, LINK_THRESHOLD, matchInvoices, type Candidate, type Incoming } from "./invoices";

const STRIPE = "conn-stripe";
const QBO = "conn-qbo";
const XERO = "conn-xero";

function candidate(over: Partial<Candidate> & { id: string }): Candidate {
  return {
    normalizedNumber: null,
    currency: "USD",
    totalMinor: 10_000n,
    customerId: "cust-1",
    customerKey: "acme",
    issueDate: "2026-03-02",
    connectionIds: new Set([STRIPE]),
    ...over,
  };
}

function incoming(over: Partial<Incoming> & { recordId: string }): Incoming {
  return {
    connectionId: QBO,
    crossReference: null,
    normalizedNumber: null,
    currency: "USD",
    totalMinor: 10_000n,
    customerId: "cust-1",
    customerKey: "acme",
    issueDate: "2026-03-02",
    ...over,
  };
}

const decide = (records: Incoming[], candidates: Candidate[]) => matchInvoices(records, new InvoiceIndex(candidates), (id) => `new-${id}`);

describe("matching invoices across systems", () => {
  it("links by the cross-reference Concord wrote, whatever else differs", () => {
    const [d] = decide([incoming({ recordId: "r1", crossReference: "inv-1", totalMinor: 1n, normalizedNumber: "999", customerId: "other" })], [candidate({ id: "inv-1" })]);
    expect(d).toEqual({ kind: "link", recordId: "r1", invoiceId: "inv-1", rule: "CROSS_REFERENCE", confidence: 100 });
  });

  it("links number variants: INV-0042, #42 and 42 are one invoice", () => {
    const [a, b] = decide(
      [incoming({ recordId: "r1", normalizedNumber: normalizeInvoiceNumber("42") }), incoming({ recordId: "r2", connectionId: XERO, normalizedNumber: normalizeInvoiceNumber("#42") })],
      [candidate({ id: "inv-42", normalizedNumber: normalizeInvoiceNumber("INV-0042") })],
    );
    expect(a).toMatchObject({ kind: "link", invoiceId: "inv-42", rule: "NUMBER", confidence: 95 });
    expect(b).toMatchObject({ kind: "link", invoiceId: "inv-42", rule: "NUMBER", confidence: 95 });
  });

  it("links by number with lower confidence when the amounts differ (the difference is then a conflict, not a new invoice)", () => {
    const [d] = decide([incoming({ recordId: "r1", normalizedNumber: "42", totalMinor: 9_000n })], [candidate({ id: "inv-42", normalizedNumber: "42" })]);
    expect(d).toMatchObject({ kind: "link", invoiceId: "inv-42", rule: "NUMBER", confidence: 85 });
  });

  it("does not link the same number for another customer or currency: it suggests", () => {
    const [other, currency] = decide(
      [incoming({ recordId: "r1", normalizedNumber: "42", customerId: "cust-2" }), incoming({ recordId: "r2", connectionId: XERO, normalizedNumber: "42", currency: "EUR" })],
      [candidate({ id: "inv-42", normalizedNumber: "42" })],
    );
    expect(other).toMatchObject({ kind: "new", possibleMatch: { invoiceId: "inv-42" } });
    expect(currency).toMatchObject({ kind: "new", possibleMatch: { invoiceId: "inv-42" } });
  });

  it("links by customer, amount, currency and date when no number helps", () => {
    const [d] = decide([incoming({ recordId: "r1" })], [candidate({ id: "inv-1" })]);
    expect(d).toMatchObject({ kind: "link", invoiceId: "inv-1", rule: "DETAILS" });
    expect((d as { confidence: number }).confidence).toBeGreaterThanOrEqual(LINK_THRESHOLD);
  });

  it("compares customers by normalized name when they are not linked yet", () => {
    const [d] = decide(
      [incoming({ recordId: "r1", customerId: null, customerKey: normalizeName("ACME Industries, Inc.") })],
      [candidate({ id: "inv-1", customerId: null, customerKey: normalizeName("Acme  Industries LLC") })],
    );
    expect(d).toMatchObject({ kind: "link", invoiceId: "inv-1", rule: "DETAILS" });
  });

  it("turns weak detail matches into a possible match, never a silent link", () => {
    const [dateOff, noCustomer, numbersDiffer] = decide(
      [
        incoming({ recordId: "r1", issueDate: "2026-03-07" }),
        incoming({ recordId: "r2", connectionId: XERO, customerId: null, customerKey: null, totalMinor: 20_000n }),
        incoming({ recordId: "r3", connectionId: "conn-hubspot", normalizedNumber: "77", totalMinor: 30_000n }),
      ],
      [candidate({ id: "inv-1" }), candidate({ id: "inv-2", totalMinor: 20_000n }), candidate({ id: "inv-3", totalMinor: 30_000n, normalizedNumber: "78" })],
    );
    expect(dateOff).toMatchObject({ kind: "new", possibleMatch: { invoiceId: "inv-1" } });
    expect(noCustomer).toMatchObject({ kind: "new", possibleMatch: { invoiceId: "inv-2" } });
    expect(numbersDiffer).toMatchObject({ kind: "new", possibleMatch: { invoiceId: "inv-3" } });
  });

  it("never matches another customer's invoice, a different amount, or dates far apart", () => {
    const decisions = decide(
      [
        incoming({ recordId: "r1", customerId: "cust-2", customerKey: "globex" }),
        incoming({ recordId: "r2", connectionId: XERO, totalMinor: 10_001n }),
        incoming({ recordId: "r3", connectionId: "conn-hubspot", issueDate: "2026-04-02" }),
      ],
      [candidate({ id: "inv-1" })],
    );
    for (const d of decisions) expect(d).toMatchObject({ kind: "new", possibleMatch: null, duplicateOf: null });
  });

  it("suggests instead of guessing when two candidates score the same", () => {
    const [d] = decide([incoming({ recordId: "r1" })], [candidate({ id: "inv-a" }), candidate({ id: "inv-b" })]);
    expect(d).toMatchObject({ kind: "new", possibleMatch: { invoiceId: "inv-a" } });
  });

  it("never joins two records of one connection: the second is a duplicate", () => {
    const [byNumber, byReference] = decide(
      [incoming({ recordId: "r1", connectionId: STRIPE, normalizedNumber: "42" }), incoming({ recordId: "r2", connectionId: STRIPE, crossReference: "inv-42" })],
      [candidate({ id: "inv-42", normalizedNumber: "42" })],
    );
    expect(byNumber).toEqual({ kind: "new", recordId: "r1", invoiceId: "new-r1", possibleMatch: null, duplicateOf: "inv-42" });
    expect(byReference).toMatchObject({ kind: "new", duplicateOf: "inv-42" });
  });

  it("never links by details to an invoice this connection already holds: the same details there are a duplicate", () => {
    const [d] = decide([incoming({ recordId: "r1", connectionId: STRIPE })], [candidate({ id: "inv-1" })]);
    expect(d).toMatchObject({ kind: "new", possibleMatch: null, duplicateOf: "inv-1" });
    // A month apart, the same customer and amount is a recurring invoice, not a copy.
    const [later] = decide([incoming({ recordId: "r2", connectionId: STRIPE, issueDate: "2026-04-02" })], [candidate({ id: "inv-1" })]);
    expect(later).toMatchObject({ kind: "new", possibleMatch: null, duplicateOf: null });
    // A copy renumbered so the system accepts it ("1065" → "1065-2") is still the same invoice twice; another number is not.
    const [copy] = decide([incoming({ recordId: "r3", connectionId: STRIPE, normalizedNumber: "10652" })], [candidate({ id: "inv-1", normalizedNumber: "1065" })]);
    expect(copy).toMatchObject({ kind: "new", duplicateOf: "inv-1" });
    const [other] = decide([incoming({ recordId: "r4", connectionId: STRIPE, normalizedNumber: "2001" })], [candidate({ id: "inv-1", normalizedNumber: "1065" })]);
    expect(other).toMatchObject({ kind: "new", duplicateOf: null });
    // The original seen after its copy is not the duplicate (voiding it on a merge would be wrong).
    const [original] = decide([incoming({ recordId: "r5", connectionId: STRIPE, normalizedNumber: "1065" })], [candidate({ id: "inv-copy", normalizedNumber: "10652" })]);
    expect(original).toMatchObject({ kind: "new", duplicateOf: null });
  });

  it("lets a later record match an invoice an earlier record of the same batch started", () => {
    const [first, second, third] = decide(
      [
        incoming({ recordId: "r1", connectionId: STRIPE, normalizedNumber: "7" }),
        incoming({ recordId: "r2", connectionId: QBO, normalizedNumber: "7" }),
        incoming({ recordId: "r3", connectionId: QBO, normalizedNumber: "7" }),
      ],
      [],
    );
    expect(first).toMatchObject({ kind: "new", invoiceId: "new-r1" });
    expect(second).toMatchObject({ kind: "link", invoiceId: "new-r1", rule: "NUMBER" });
    expect(third).toMatchObject({ kind: "new", duplicateOf: "new-r1" });
  });

  it("is deterministic: candidate order never changes a decision", () => {
    const day = fc.integer({ min: 1, max: 20 }).map((d) => `2026-03-${String(d).padStart(2, "0")}`);
    const cand = fc.record({
      id: fc.constantFrom("a", "b", "c", "d", "e"),
      normalizedNumber: fc.option(fc.constantFrom("1", "2", "3"), { nil: null }),
      totalMinor: fc.constantFrom(100n, 200n),
      customerId: fc.option(fc.constantFrom("x", "y"), { nil: null }),
      issueDate: day,
    });
    fc.assert(
      fc.property(fc.uniqueArray(cand, { selector: (c) => c.id, maxLength: 5 }), cand, (cands, probe) => {
        const build = () => cands.map((c) => candidate({ ...c, customerKey: null, connectionIds: new Set([STRIPE]) }));
        const record = incoming({ recordId: "r", ...probe, customerKey: null });
        const forward = decide([record], build());
        const backward = decide([record], build().reverse());
        expect(backward).toEqual(forward);
      }),
      { numRuns: 300 },
    );
  });

  it("scores are bounded and zero whenever amount or currency differ", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 0n, max: 1000n }), fc.constantFrom("USD", "EUR"), (a, b, currency) => {
        const score = detailsScore(incoming({ recordId: "r", totalMinor: a }), candidate({ id: "c", totalMinor: b, currency }));
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThan(100);
        if (a !== b || currency !== "USD") expect(score).toBe(0);
      }),
    );
  });
});
