/**
 * The incremental cursor. Xero has no change feed, only If-Modified-Since per collection, and
 * invoices, payments and contacts are read one after the other: a payment recorded while the
 * invoices are being read updates both, and a single "max UpdatedDateUTC seen" would then step
 * over the invoice's change. So the cursor keeps one position per collection. When all three
 * agree it is a plain ISO instant (what startCursor answers); otherwise a small JSON object.
 * Opaque to callers either way.
 */
import { z } from "zod";
import { ProviderError } from "../errors";

export type CursorPositions = { invoices: number; payments: number; contacts: number };

const iso = z.iso.datetime({ offset: true });
const composite = z.strictObject({ invoices: iso, payments: iso, contacts: iso });

export function encodeCursor(p: CursorPositions): string {
  if (p.invoices === p.payments && p.payments === p.contacts) return new Date(p.invoices).toISOString();
  return JSON.stringify({ invoices: new Date(p.invoices).toISOString(), payments: new Date(p.payments).toISOString(), contacts: new Date(p.contacts).toISOString() });
}

export function decodeCursor(cursor: string): CursorPositions {
  const text = cursor.trim();
  if (iso.safeParse(text).success) {
    const ms = Date.parse(text);
    return { invoices: ms, payments: ms, contacts: ms };
  }
  try {
    const parsed = composite.parse(JSON.parse(text));
    return { invoices: Date.parse(parsed.invoices), payments: Date.parse(parsed.payments), contacts: Date.parse(parsed.contacts) };
  } catch {
    throw new ProviderError("xero", "invalid", `"${cursor.slice(0, 100)}" is not a Xero sync cursor`, { code: "invalid_cursor" });
  }
}
