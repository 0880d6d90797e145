/**
 * The incremental cursor. Xero has no change feed, only If-Modified-Since per collection, and
 * invoices, payments, credit notes and contacts are read side by side: a payment recorded while
 * the invoices are being read updates both, and a single "max UpdatedDateUTC seen" would then
 * step over the invoice's change. So the cursor keeps one position per collection. When all
 * agree it is a plain ISO instant (what startCursor answers); otherwise a small JSON object.
 * Opaque to callers either way. A cursor saved before credit notes were read has no position
 * for them: they start at the payments' (refunds are read with the payments).
 */
import { z } from "zod";
import { ProviderError } from "../errors";

export type CursorPositions = { invoices: number; payments: number; contacts: number; creditNotes: number };

const iso = z.iso.datetime({ offset: true });
const composite = z.strictObject({ invoices: iso, payments: iso, contacts: iso, creditNotes: iso.optional() });

export function encodeCursor(p: CursorPositions): string {
  if (p.invoices === p.payments && p.payments === p.contacts && p.contacts === p.creditNotes) return new Date(p.invoices).toISOString();
  const at = (ms: number) => new Date(ms).toISOString();
  return JSON.stringify({ invoices: at(p.invoices), payments: at(p.payments), contacts: at(p.contacts), creditNotes: at(p.creditNotes) });
}

export function decodeCursor(cursor: string): CursorPositions {
  const text = cursor.trim();
  if (iso.safeParse(text).success) {
    const ms = Date.parse(text);
    return { invoices: ms, payments: ms, contacts: ms, creditNotes: ms };
  }
  try {
    const parsed = composite.parse(JSON.parse(text));
    const payments = Date.parse(parsed.payments);
    return { invoices: Date.parse(parsed.invoices), payments, contacts: Date.parse(parsed.contacts), creditNotes: parsed.creditNotes ? Date.parse(parsed.creditNotes) : payments };
  } catch {
    throw new ProviderError("xero", "invalid", `"${cursor.slice(0, 100)}" is not a Xero sync cursor`, { code: "invalid_cursor" });
  }
}
