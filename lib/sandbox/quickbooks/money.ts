/**
 * QuickBooks amounts travel as JSON numbers with two decimals (Jackson also accepts numeric
 * strings such as "12.50"). Arithmetic here is on integer hundredths ("cents") or on scaled
 * BigInts, never on floats; `fromCents` turns the result back into the wire number at the edge.
 */

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

/** A decimal as an integer scaled by 10^places, rounded half away from zero; null if not a decimal. */
export function toScaled(value: unknown, places: number): bigint | null {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) >= 1e15) return null;
    // toFixed(9) recovers the decimal the sender wrote (12.345 → "12.345000000") without float maths.
    text = value.toFixed(9);
  } else if (typeof value === "string") text = value.trim();
  else return null;
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole = "", fraction = ""] = match;
  if (!whole && !fraction) return null;
  const kept = (fraction + "0".repeat(places)).slice(0, places);
  let scaled = BigInt((whole || "0") + kept);
  const next = fraction.charCodeAt(places) - 48; // the first dropped digit decides the rounding
  if (next >= 5) scaled += 1n;
  return sign === "-" && scaled !== 0n ? -scaled : scaled;
}

export function toCents(value: unknown): number | null {
  const scaled = toScaled(value, 2);
  return scaled === null ? null : Number(scaled);
}

/** The wire number for integer hundredths: 12345 → 123.45 (the nearest double prints exactly). */
export function fromCents(cents: number): number {
  return cents / 100;
}

/** Cents of a stored wire amount (always a two-decimal number we wrote ourselves). */
export function cents(amount: number | undefined): number {
  return amount === undefined ? 0 : (toCents(amount) ?? 0);
}

const QTY_PLACES = 7n;

/** Qty × UnitPrice rounded half up to cents, as QuickBooks checks a sales line's Amount. */
export function lineCents(qty: unknown, unitPrice: unknown): number | null {
  const q = toScaled(qty, Number(QTY_PLACES));
  const p = toScaled(unitPrice, Number(QTY_PLACES));
  if (q === null || p === null) return null;
  const product = q * p; // scaled by 10^14
  const divisor = 10n ** (QTY_PLACES * 2n - 2n);
  const negative = product < 0n;
  const magnitude = negative ? -product : product;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return Number(negative ? -rounded : rounded);
}

/** A percentage of an amount in cents, rounded half up (discount lines). */
export function percentOf(totalCents: number, percent: unknown): number | null {
  const p = toScaled(percent, 4);
  if (p === null) return null;
  const product = BigInt(totalCents) * p; // cents × percent × 10^4
  const divisor = 1_000_000n; // 100 (percent) × 10^4
  return Number((product + divisor / 2n) / divisor);
}
