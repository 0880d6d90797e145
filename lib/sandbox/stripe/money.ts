/**
 * Money helpers in integer minor units (never floating point): decimal unit amounts times a
 * quantity, and amounts formatted for messages. Zero-decimal currencies (JPY...) have no minor
 * unit and three-decimal ones (KWD...) have 1000.
 * https://docs.stripe.com/currencies#zero-decimal
 */
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);
const THREE_DECIMAL = new Set(["bhd", "jod", "kwd", "omr", "tnd"]);

export function exponent(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : THREE_DECIMAL.has(currency) ? 3 : 2;
}

/** round(unitAmountDecimal × quantity), half away from zero, in minor units. */
export function timesQuantity(unitAmountDecimal: string, quantity: number): number {
  const negative = unitAmountDecimal.startsWith("-");
  const [whole = "0", fraction = ""] = unitAmountDecimal.replace("-", "").split(".");
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * BigInt(quantity);
  const rounded = (scaled + scale / 2n) / scale;
  return Number(negative ? -rounded : rounded);
}

/** "12.50 EUR", "1500 JPY" for error messages. */
export function formatAmount(amount: number, currency: string): string {
  const digits = exponent(currency);
  const sign = amount < 0 ? "-" : "";
  const text = String(Math.abs(amount)).padStart(digits + 1, "0");
  const major = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  return `${sign}${major} ${currency.toUpperCase()}`;
}
