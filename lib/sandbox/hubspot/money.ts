/**
 * HubSpot sends numbers as decimal strings ("100.50"). Money is parsed into integer minor units
 * with the currency's exponent, computed on as integers, and formatted back at the edge; other
 * numbers are compared exactly as scaled integers, never as floats.
 */
import { currencyExponent } from "../core/seed";

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Minor units of `value` in a currency with `exponent` decimals; null if not a decimal, finer than the currency allows, or too large. */
export function parseMinor(value: string, exponent: number): number | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const fraction = m[3] ?? "";
  if (/[1-9]/.test(fraction.slice(exponent))) return null; // "10.505" USD: not a whole number of cents
  const minor = BigInt(m[2]!) * 10n ** BigInt(exponent) + BigInt(fraction.slice(0, exponent).padEnd(exponent, "0") || "0");
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return m[1] && minor !== 0n ? -Number(minor) : Number(minor);
}

export function formatMinor(minor: number, exponent: number): string {
  const digits = String(Math.abs(minor)).padStart(exponent + 1, "0");
  const sign = minor < 0 ? "-" : "";
  return exponent === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export function moneyExponent(currency: string | undefined): number {
  return currencyExponent(currency ?? "USD");
}

/** Exact comparison of two decimal strings; null when either is not a decimal. */
export function compareDecimal(a: string, b: string): number | null {
  const x = DECIMAL.exec(a.trim());
  const y = DECIMAL.exec(b.trim());
  if (!x || !y) return null;
  const scale = Math.max(x[3]?.length ?? 0, y[3]?.length ?? 0);
  const scaled = (m: RegExpExecArray) => {
    const v = BigInt(m[2]!) * 10n ** BigInt(scale) + BigInt((m[3] ?? "").padEnd(scale, "0") || "0");
    return m[1] ? -v : v;
  };
  const [p, q] = [scaled(x), scaled(y)];
  return p === q ? 0 : p < q ? -1 : 1;
}

export function isDecimal(value: string): boolean {
  return DECIMAL.test(value.trim());
}
