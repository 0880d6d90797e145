/**
 * Exact decimal handling. Xero sends and accepts amounts as JSON numbers (and, in nested
 * objects, sometimes as strings like "50.00"); the sandbox never does float arithmetic on them:
 * it reads the decimal text into integer units, computes with integers, and writes the units back
 * as a decimal literal.
 */

const DECIMAL = /^([-+])?(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/;

/** Anything beyond this is no amount a ledger holds; it also keeps units within a safe integer. */
const MAX_UNITS = 10n ** 15n;

/**
 * A JSON number or numeric string as an integer count of 10^-scale units, rounded half away
 * from zero; null when it is not a decimal or is out of range.
 */
export function toUnits(value: number | string, scale: number): number | null {
  if (typeof value === "number" && !Number.isFinite(value)) return null;
  const m = DECIMAL.exec(String(value).trim());
  if (!m) return null;
  const whole = m[2] ?? "";
  const fraction = m[3] ?? "";
  if (whole === "" && fraction === "") return null;
  const exponent = Number(m[4] ?? 0) - fraction.length + scale;
  if (Math.abs(exponent) > 60) return exponent < 0 ? 0 : null;
  const digits = BigInt(whole + fraction || "0");
  const sign = m[1] === "-" ? -1n : 1n;
  const magnitude = exponent >= 0 ? digits * 10n ** BigInt(exponent) : divRound(digits, 10n ** BigInt(-exponent));
  if (magnitude > MAX_UNITS) return null;
  return Number(sign * magnitude);
}

/** a / b rounded half away from zero (b > 0). */
export function divRound(a: bigint, b: bigint): bigint {
  const negative = a < 0n;
  const abs = negative ? -a : a;
  const q = abs / b;
  const rounded = (abs % b) * 2n >= b ? q + 1n : q;
  return negative ? -rounded : rounded;
}

/** Integer units back to a decimal JSON number, e.g. (1999, 2) → 19.99. */
export function fromUnits(units: number, scale: number): number {
  return Number(unitsToString(units, scale));
}

export function unitsToString(units: number, scale: number): string {
  const negative = units < 0;
  const digits = String(Math.abs(units)).padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}

/** Rescales integer units, rounding half away from zero, e.g. ten-thousandths to cents. */
export function rescale(units: number, fromScale: number, toScale: number): number {
  if (toScale >= fromScale) return units * 10 ** (toScale - fromScale);
  return Number(divRound(BigInt(units), 10n ** BigInt(fromScale - toScale)));
}

/** quantity (1e-4) × unit amount (1e-4) in cents, rounded like Xero rounds line amounts. */
export function lineAmountCents(quantity4: number, unitAmount4: number): number {
  return Number(divRound(BigInt(quantity4) * BigInt(unitAmount4), 1_000_000n));
}

/** Tax on a line in cents: rate in basis points, on top of (exclusive) or inside (inclusive) the amount. */
export function taxCents(lineCents: number, rateBasisPoints: number, inclusive: boolean): number {
  const amount = BigInt(lineCents) * BigInt(rateBasisPoints);
  return Number(divRound(amount, BigInt(inclusive ? 10_000 + rateBasisPoints : 10_000)));
}

/** part × numerator / denominator in integers, rounded down: a share of a total. */
export function share(total: number, numerator: number, denominator: number): number {
  if (denominator <= 0) return 0;
  return Number((BigInt(total) * BigInt(numerator)) / BigInt(denominator));
}
