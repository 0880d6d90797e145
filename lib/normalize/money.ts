/**
 * Money as integer minor units (bigint) with an ISO 4217 currency. Provider amounts arrive as
 * integers (Stripe), JSON numbers or decimal strings (QuickBooks, Xero, HubSpot); they are turned
 * into minor units by decimal string arithmetic, never by multiplying floats.
 */

/** ISO 4217 minor-unit exponents that differ from 2. */
const EXPONENTS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

export class MoneyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MoneyError";
  }
}

export function currencyCode(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code)) throw new MoneyError(`"${value}" is not an ISO 4217 currency code`);
  return code;
}

export function exponentOf(currency: string): number {
  return EXPONENTS[currencyCode(currency)] ?? 2;
}

/**
 * A plain decimal ("1234.5", "-0.10", 1234.5) in major units to minor units. A JS number is
 * read through its shortest decimal representation, which is exactly what the provider sent in
 * JSON. More fractional digits than the currency has is an error, not a rounding.
 */
export function toMinor(value: string | number, currency: string): bigint {
  const text = typeof value === "number" ? numberToDecimal(value) : value.trim();
  const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new MoneyError(`"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ""] = match;
  const exponent = exponentOf(currency);
  const trimmed = fraction.replace(/0+$/, "");
  if (trimmed.length > exponent) throw new MoneyError(`${text} has more decimals than ${currencyCode(currency)} allows (${exponent})`);
  const minor = BigInt(whole! + trimmed.padEnd(exponent, "0"));
  return sign === "-" ? -minor : minor;
}

function numberToDecimal(value: number): string {
  if (!Number.isFinite(value)) throw new MoneyError(`${value} is not an amount`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  // 1e-7 or 1.5e+21: expand without floating-point arithmetic.
  const [mantissa, exp] = text.toLowerCase().split("e") as [string, string];
  const negative = mantissa.startsWith("-");
  const [intPart, fracPart = ""] = mantissa.replace("-", "").split(".") as [string, string?];
  const digits = intPart + fracPart;
  const point = intPart.length + Number(exp);
  const expanded = point <= 0 ? `0.${"0".repeat(-point)}${digits}` : point >= digits.length ? digits + "0".repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return (negative ? "-" : "") + expanded;
}

/** Minor units back to a plain decimal string in major units ("1234.50"), for providers that want decimals. */
export function toDecimal(minor: bigint, currency: string): string {
  const exponent = exponentOf(currency);
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(exponent + 1, "0");
  const whole = exponent ? digits.slice(0, -exponent) : digits;
  const fraction = exponent ? `.${digits.slice(-exponent)}` : "";
  return `${negative ? "-" : ""}${whole}${fraction}`;
}
