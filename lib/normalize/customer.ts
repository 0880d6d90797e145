/**
 * Comparison keys for matching records across providers: customer names, emails and addresses,
 * and invoice numbers. A key is never shown to anyone; it exists so that "  ACME INDUSTRIES INC "
 * and "Acme Industries, Inc." compare equal. Every function is pure and idempotent (a key
 * normalizes to itself) and runs over hundreds of thousands of records in a match, so tables and
 * regular expressions are built once here and ASCII input skips the Unicode work.
 */

const ASCII = /^[\x00-\x7f]*$/;
/**
 * Diacritics that writers commonly leave out: the combining marks of Latin, Greek and Cyrillic
 * (é, ü, å, ñ), Hebrew points and Arabic harakat. Marks that are part of other scripts' letters
 * (Devanagari vowel signs, kana voicing) are kept: dropping them makes another word.
 */
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670]/g;
/** Letters without a decomposition that still have a plain spelling (a case fold, for keys). */
const LETTER_FOLDS: Readonly<Record<string, string>> = { ß: "ss", ẞ: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ð: "d", ł: "l", þ: "th", ı: "i", ς: "σ", ħ: "h", ŧ: "t" };
const FOLDABLE_LETTERS = new RegExp(`[${Object.keys(LETTER_FOLDS).join("")}]`, "g");
/**
 * Before NFKC: "™"-like signs, which NFKC would spell out as letters ("TM"), are decoration; the
 * acute accent used as an apostrophe ("O´Brien") would become a space and a mark; invisible
 * format characters (soft hyphen, zero-width space) go.
 */
const PRE_NFKC = /[™℠®©´\p{Cf}]/gu;
const preNfkc = (c: string) => (c === "´" ? "'" : c.length === 1 && "™℠®©".includes(c) ? " " : "");
const INVISIBLE = /\p{Cf}/gu;

/** Apostrophes and dots join what they sit in ("O'Brien" → "obrien", "L.L.C." → "llc"); other punctuation separates words. */
const JOINING = /['‘’`ʼ.]/g;
const ASCII_JOINING = /['`.]/g;
const SEPARATING = /[^\p{L}\p{M}\p{N}]+/gu;
const ASCII_SEPARATING = /[^a-z0-9]+/g;
const AMPERSAND = /&/g;
const NOT_ALPHANUMERIC = /[^\p{L}\p{N}]+/gu;

/**
 * Text as the words of a key: NFKC, lower case, diacritics stripped, a few letters spelled
 * plainly, apostrophes and dots dropped, "&" as "and", other punctuation and spaces as one space.
 * NFKC is done as NFKD … NFC around the rest: lower case comes before stripping marks ("İ"
 * lower-cases to "i" + a combining dot, which goes too), NFC after dropping ("ㄷ.ㅏ" joins into "다").
 */
function words(text: string): string[] {
  let plain: string;
  if (ASCII.test(text)) {
    plain = text.toLowerCase().replace(ASCII_JOINING, "").replace(AMPERSAND, " and ").replace(ASCII_SEPARATING, " ");
  } else {
    const lower = text.replace(PRE_NFKC, preNfkc).normalize("NFKD").toLowerCase();
    const folded = lower.replace(DIACRITICS, "").replace(JOINING, "").normalize("NFC").replace(FOLDABLE_LETTERS, (c) => LETTER_FOLDS[c]!);
    plain = folded.replace(AMPERSAND, " and ").replace(SEPARATING, " ");
  }
  const trimmed = plain.trim();
  return trimmed ? trimmed.split(" ") : [];
}

/**
 * Legal-form words, as they read once dots are gone ("S.p.A." → "spa", "L.L.C." → "llc").
 * Multi-word forms ("Pty Ltd", "GmbH & Co. KG") come off one word at a time.
 */
const LEGAL_SUFFIXES: ReadonlySet<string> = new Set([
  "inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "kg", "ug", "se", "sa", "sas", "sarl", "bv", "nv",
  "pty", "plc", "corp", "corporation", "co", "company", "kk", "oy", "oyj", "ab", "as", "asa", "aps", "srl", "spa",
  "sl", "llp", "lp", "pte", "pvt", "ltda",
]);

/**
 * A customer name as a comparison key: folded (NFKC, diacritics, case), "&" as "and",
 * punctuation gone, spaces collapsed, a leading "The" and trailing legal forms dropped ("Foo
 * Co., Ltd." → "foo"), but never down to nothing: a company called "Limited" stays "limited".
 */
export function normalizeName(name: string): string {
  const w = words(name);
  while (w.length > 1 && w[0] === "the") w.shift();
  for (;;) {
    const dropped = dropSuffix(w);
    if (!dropped) break;
    w.length -= dropped;
  }
  return w.join(" ");
}

/** How many trailing words form one legal suffix that can go without emptying the name (0 if none). */
function dropSuffix(w: string[]): number {
  const n = w.length;
  // Initials written with spaces: "S. A." → "s a", "B. V." → "b v".
  let initials = 0;
  while (initials < 4 && initials < n - 1 && w[n - 1 - initials]!.length === 1) initials++;
  for (let k = initials; k >= 2; k--) {
    if (LEGAL_SUFFIXES.has(w.slice(n - k).join(""))) return k;
  }
  if (n < 2 || !LEGAL_SUFFIXES.has(w[n - 1]!)) return 0;
  // "Smith & Co." → "smith and co": the "and" goes with the "co".
  const withAnd = n > 2 && w[n - 2] === "and" && (w[n - 1] === "co" || w[n - 1] === "company");
  return withAnd ? 2 : 1;
}

const EMAIL_WRAPPED = /<([^<>]*)>/;
/** Text, one "@", text; no spaces. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const MAILTO = /^(?:mailto:)+/;
const TRAILING_DOTS = /\.+$/;

/**
 * An email address as a comparison key: trimmed, NFKC, lower case (the local part is case
 * sensitive only in theory). "Name <a@b.com>" and "mailto:a@b.com" give the address. Null when
 * there is no address: empty, or not text@text.
 */
export function normalizeEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  let text = (ASCII.test(email) ? email : email.normalize("NFKC")).trim();
  const wrapped = EMAIL_WRAPPED.exec(text);
  if (wrapped) text = wrapped[1]!.trim();
  // A domain's trailing dot is the DNS root: "acme.com." is "acme.com".
  text = text.toLowerCase().replace(MAILTO, "").replace(TRAILING_DOTS, "");
  return EMAIL.test(text) ? text : null;
}

export type AddressInput = {
  line1?: string | null;
  line2?: string | null;
  city?: string | null;
  region?: string | null;
  postalCode?: string | null;
  country?: string | null;
};

/** Street words and their usual abbreviations, one spelling each (the key uses the short one). */
const ADDRESS_WORDS: ReadonlyMap<string, string> = new Map([
  ["street", "st"], ["saint", "st"], ["avenue", "ave"], ["av", "ave"], ["road", "rd"], ["boulevard", "blvd"],
  ["drive", "dr"], ["lane", "ln"], ["court", "ct"], ["place", "pl"], ["square", "sq"], ["terrace", "ter"],
  ["highway", "hwy"], ["parkway", "pkwy"], ["circle", "cir"], ["crescent", "cres"], ["suite", "ste"],
  ["apartment", "apt"], ["building", "bldg"], ["floor", "fl"], ["north", "n"], ["south", "s"], ["east", "e"],
  ["west", "w"], ["northeast", "ne"], ["northwest", "nw"], ["southeast", "se"], ["southwest", "sw"],
]);
/** German street names end in "straße"/"strasse" or its short form "str." inside the word. */
const STRASSE = /strasse$/;

/** Common country names (folded) to ISO 3166 alpha-2; any two-letter code is taken as one. */
const COUNTRIES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    us: ["united states", "united states of america", "usa", "america"],
    gb: ["united kingdom", "uk", "great britain", "britain", "gbr", "england", "scotland", "wales", "northern ireland"],
    de: ["germany", "deutschland", "deu"],
    fr: ["france", "fra"],
    es: ["spain", "espana", "esp"],
    it: ["italy", "italia", "ita"],
    nl: ["netherlands", "the netherlands", "nederland", "holland", "nld"],
    be: ["belgium", "belgique", "belgie", "bel"],
    ch: ["switzerland", "schweiz", "suisse", "svizzera", "che"],
    at: ["austria", "osterreich", "aut"],
    ie: ["ireland", "irl"],
    se: ["sweden", "sverige", "swe"],
    no: ["norway", "norge", "nor"],
    dk: ["denmark", "danmark", "dnk"],
    fi: ["finland", "suomi", "fin"],
    ca: ["canada", "can"],
    au: ["australia", "aus"],
    nz: ["new zealand", "nzl"],
    jp: ["japan", "nippon", "jpn"],
    in: ["india", "ind"],
    sg: ["singapore", "sgp"],
    mx: ["mexico", "mex"],
    br: ["brazil", "brasil", "bra"],
  }).flatMap(([code, names]) => names.map((name) => [name, code] as const)),
);

function streetWords(text: string): string[] {
  return words(text).map((w) => ADDRESS_WORDS.get(w) ?? w.replace(STRASSE, "str"));
}

function countryKey(text: string): string {
  const name = words(text).join(" ");
  return COUNTRIES.get(name) ?? name;
}

/** Postal codes compare without spaces or dashes, in upper case ("sw1a 1aa" → "SW1A1AA"). */
function postalKey(text: string): string {
  if (ASCII.test(text)) return text.toUpperCase().replace(NOT_ALPHANUMERIC, "");
  // NFC again: dropping separators can put letters side by side that compose ("ㄷ ㅏ" → "다").
  return unaccentedUpper(text).replace(NOT_ALPHANUMERIC, "").normalize("NFC");
}

/**
 * An address as one comparison key, "street|city|region|POSTAL|country": each part folded with
 * punctuation gone and street words abbreviated one way (street → st, suite → ste, north → n);
 * line1 and line2 are one street part, since systems split them differently. Null when empty.
 */
export function normalizeAddress(address: AddressInput | null | undefined): string | null {
  if (!address) return null;
  const street = [...streetWords(address.line1 ?? ""), ...streetWords(address.line2 ?? "")].join(" ");
  const city = words(address.city ?? "").join(" ");
  const region = words(address.region ?? "").join(" ");
  const postal = postalKey(address.postalCode ?? "");
  const country = countryKey(address.country ?? "");
  if (!street && !city && !region && !postal && !country) return null;
  return `${street}|${city}|${region}|${postal}|${country}`;
}

/** Words that introduce a number rather than belong to it ("Invoice No. 42", "INV-0042", "#42"). */
const NUMBER_PREFIX = /^(?:INVOICE|INV|BILL|NUM|NO|NR)(?![\p{L}\p{M}])/u;
/** After joining, a prefix counts only when digits follow it ("NO" + "42"); "NOVA1" keeps its letters. */
const NUMBER_PREFIX_JOINED = /^(?:INVOICE|INV|BILL|NUM|NO|NR)(?=[0-9])/;
const WHOLE_PREFIX = /^(?:INVOICE|INV|BILL|NUM|NO|NR)$/;
const LEADING_ZEROS = /(?<![0-9])0+(?=[0-9])/g;
/** "N° 42": the degree sign as a numero sign (NFKC already turns "Nº" into "No"). */
const NUMERO = /^\s*N\s*°/;
const MARKS = /\p{M}/gu;

/** Upper case without marks: case mappings may add marks ("ῒ" → "Ϊ̀"), so marks go after, and NFC joins what is left. */
function unaccentedUpper(text: string): string {
  // Capital sharp s stays itself in toUpperCase while ß becomes SS: fold it the same way.
  return text.normalize("NFKC").replace(INVISIBLE, "").toUpperCase().replace(/ẞ/g, "SS").normalize("NFD").replace(MARKS, "").normalize("NFC");
}

/**
 * An invoice number as a comparison key: "INV-0042", "inv 42", "#42", "No. 42", "Invoice 0042"
 * and "42" are all "42". NFKC and upper case, leading prefix words (INVOICE, INV, BILL, NO, NUM,
 * NR, #) dropped, then only letters (accents dropped) and digits, each run of digits without
 * leading zeros ("0" stays "0"): "ABC-042" → "ABC42", Stripe's "3F2A1B9C-0007" → "3F2A1B9C7".
 * Null when nothing is left.
 */
export function normalizeInvoiceNumber(number: string | null | undefined): string | null {
  if (!number) return null;
  const ascii = ASCII.test(number);
  const upper = ascii ? number.toUpperCase() : unaccentedUpper(number);
  const parts = upper.replace(NUMERO, "NO ").split(NOT_ALPHANUMERIC).filter(Boolean);
  // A prefix is a whole leading word ("INV-42") or stuck to the digits ("INV0042").
  while (parts.length > 0) {
    const prefix = NUMBER_PREFIX.exec(parts[0]!);
    if (!prefix) break;
    const rest = parts[0]!.slice(prefix[0].length);
    if (rest) parts[0] = rest;
    else parts.shift();
  }
  // Zeros go per part first ("2024-0042" is "2024-42"), then again where joining made new leading zeros ("0-042").
  let key = parts.map((p) => p.replace(LEADING_ZEROS, "")).join("");
  // NFC again: joining can put letters side by side that compose ("ㄷ-ㅏ" → "다").
  if (!ascii) key = key.normalize("NFC");
  for (;;) {
    const next = key.replace(NUMBER_PREFIX_JOINED, "").replace(LEADING_ZEROS, "");
    if (next === key) break;
    key = next;
  }
  // Pieces that only spell a prefix once joined ("N.O", "ñ&O") are no number: normalizing "NO" again would drop it.
  if (WHOLE_PREFIX.test(key)) return null;
  return key || null;
}
