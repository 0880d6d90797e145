/**
 * What the billing operations need to make a change: the account's data, the time of the change,
 * fresh ids, and a way to record the Events the change produces. API requests and seeding supply
 * it differently (seeding: deterministic ids, the record's own dates, no events).
 */
import { randomToken } from "./errors";
import type { StripeData } from "./types";

export type Ctx = {
  data: StripeData;
  accountId: string;
  accountName: string;
  /** Unix seconds. */
  now: number;
  id(prefix: string, length?: number): string;
  /** Records an Event (and its webhooks); `previous` becomes `data.previous_attributes`. */
  emit(type: string, object: object, previous?: Record<string, unknown>): void;
};

/** Stripe ids: a prefix and base62 characters (24 for most objects, 14 for customers). */
export const randomId = (prefix: string, length = 24) => `${prefix}_${randomToken(length)}`;

export const unixNow = () => Math.floor(Date.now() / 1000);

/**
 * `previous_attributes` of an update event: the changed fields with their old values, recursing
 * into nested objects (Stripe sends `{ status_transitions: { paid_at: null } }`, not the whole
 * hash). Arrays and lists are compared whole.
 */
export function changes(before: unknown, after: unknown): Record<string, unknown> | undefined {
  if (!isPlain(before) || !isPlain(after)) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const a = before[key];
    const b = after[key];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const nested = isPlain(a) && isPlain(b) && a.object === undefined ? changes(a, b) : undefined;
    out[key] = nested ?? (a === undefined ? null : a);
  }
  return Object.keys(out).length ? out : undefined;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A deep copy, taken before a change so the update event can say what changed. */
export const copy = <T>(value: T): T => structuredClone(value);
