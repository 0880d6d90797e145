/**
 * Amounts as people and tools write them ("$100.00", "100,00 $", "1.234,56 €", "CHF 1'234.50",
 * "(100.00)", "¥1,000") into integer minor units and a currency. The connection's hints decide
 * what the text cannot ("1,234": one thousand two hundred thirty-four, or one point two three
 * four?); what stays ambiguous is refused with a clear error, never guessed.
 */
import { currencyCode, exponentOf, MoneyError, toMinor } from "./money";

export type MoneyHints = { decimal?: "." | ","; currency?: string };
export type ParsedMoney = { minor: bigint; currency: string };

/** Symbols and the currencies they can mean; the hint picks among several. */
const SYMBOLS: [string, string[]][] = [
  ["US$", ["USD"]],
  ["C$", ["CAD"]],
  ["A$", ["AUD"]],
  ["NZ$", ["NZD"]],
  ["R$", ["BRL"]],
  ["$", ["USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"]],
  ["€", ["EUR"]],
  ["£", ["GBP"]],
  ["¥", ["JPY", "CNY"]],
  ["₹", ["INR"]],
  ["₩", ["KRW"]],
  ["kr", ["SEK", "NOK", "DKK", "ISK"]],
  ["zł", ["PLN"]],
];

function currencyFrom(text: string, hint: string | undefined): { currency: string | null; rest: string } {
  const code = /(^|[^A-Za-z])([A-Z]{3})(?=$|[^A-Za-z])/.exec(text);
  if (code) return { currency: currencyCode(code[2]!), rest: text.replace(code[2]!, " ") };
  for (const [symbol, candidates] of SYMBOLS) {
    if (!text.includes(symbol)) continue;
    const rest = text.replace(symbol, " ");
    if (candidates.length === 1) return { currency: candidates[0]!, rest };
    if (hint && candidates.includes(hint)) return { currency: hint, rest };
    throw new MoneyError(`"${symbol}" could mean ${candidates.join(", ")}: set the connection's currency`);
  }
  return { currency: hint ? currencyCode(hint) : null, rest: text };
}

/** The number part ("1.234,56") as a plain decimal ("1234.56"). */
function plainDecimal(digits: string, decimalHint: "." | "," | undefined, currency: string): string {
  const compact = digits.replace(/[\s\u00a0\u202f']/g, (c) => (c === "'" ? "'" : ""));
  if (!/^\d[\d.,']*$/.test(compact) || /[.,']$/.test(compact)) throw new MoneyError(`"${digits.trim()}" is not an amount`);
  const withoutApostrophes = compact.replace(/'/g, "");
  const dots = (withoutApostrophes.match(/\./g) ?? []).length;
  const commas = (withoutApostrophes.match(/,/g) ?? []).length;
  let decimal: "." | "," | null;
  if (dots && commas) decimal = withoutApostrophes.lastIndexOf(".") > withoutApostrophes.lastIndexOf(",") ? "." : ",";
  else if (dots + commas === 0) decimal = null;
  else {
    const sep = dots ? "." : ",";
    const count = dots || commas;
    const tail = withoutApostrophes.length - withoutApostrophes.lastIndexOf(sep) - 1;
    if (count > 1) decimal = null; // "1,234,567": only grouping repeats
    else if (tail !== 3) decimal = sep; // "100,00", "12.5"
    else if (decimalHint) decimal = decimalHint === sep ? sep : null;
    else if (exponentOf(currency) === 0) decimal = null; // "¥1,000": yen has no decimals
    else throw new MoneyError(`"${digits.trim()}" is ambiguous: is "${sep}" a decimal or a thousands separator? Set the connection's number format`);
  }
  const group = decimal === "." ? "," : decimal === "," ? "." : /[.,]/.exec(withoutApostrophes)?.[0];
  const [whole, fraction] = decimal ? splitLast(withoutApostrophes, decimal) : [withoutApostrophes, ""];
  const groups = group ? whole.split(group) : [whole];
  if (groups.length > 1 && (groups[0]!.length > 3 || groups.slice(1).some((g) => g.length !== 3))) throw new MoneyError(`"${digits.trim()}" has misplaced separators`);
  if (fraction.includes(",") || fraction.includes(".")) throw new MoneyError(`"${digits.trim()}" has misplaced separators`);
  return fraction ? `${groups.join("")}.${fraction}` : groups.join("");
}

function splitLast(text: string, sep: string): [string, string] {
  const at = text.lastIndexOf(sep);
  return [text.slice(0, at), text.slice(at + 1)];
}

export function parseMoney(input: string, hints: MoneyHints = {}): ParsedMoney {
  let text = input.normalize("NFKC").trim();
  if (!text) throw new MoneyError("The amount is empty");
  let negative = false;
  if (/^\(.*\)$/.test(text)) {
    negative = true;
    text = text.slice(1, -1).trim();
  }
  if (/^[-\u2212]|[-\u2212]$/.test(text.replace(/\s/g, ""))) {
    negative = true; // "(−5)" is as negative as "(5)" or "−5"
    text = text.replace(/[-\u2212]/, " ");
  }
  const { currency, rest } = currencyFrom(text, hints.currency);
  if (!currency) throw new MoneyError(`"${input}" names no currency and the connection has none set`);
  if (/[-\u2212()]/.test(rest)) throw new MoneyError(`"${input}" has more than one sign`);
  const decimal = plainDecimal(rest.trim(), hints.decimal, currency);
  const minor = toMinor(decimal, currency);
  return { minor: negative ? -minor : minor, currency };
}
