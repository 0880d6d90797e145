/**
 * What every connector's `recordRefund` shares: the draft checked with zod before anything is
 * read or written (a bad draft never reaches a provider), and the `refund-of:<invoice id>`
 * marker that ties a refund to its invoice where the provider's refund record has no link of
 * its own (a QuickBooks RefundReceipt, a Xero credit note).
 */
import { z } from "zod";
import { ProviderError } from "./errors";
import type { ProviderId, RefundDraft } from "./types";

/** A YYYY-MM-DD string that names a real day (no 30 February). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a YYYY-MM-DD date")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a calendar date");

export const refundDraftSchema = z.strictObject({
  invoiceExternalId: z.string().trim().min(1, "is empty").max(255),
  // Every provider takes amounts as JSON numbers: beyond 2^53 minor units none is exact.
  amountMinor: z.bigint().positive("must be greater than zero").max(BigInt(Number.MAX_SAFE_INTEGER), "is too large to send exactly"),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 code")
    .transform((c) => c.toUpperCase()),
  refundedOn: calendarDate,
  reference: z
    .string()
    .max(500)
    .nullable()
    .transform((r) => r?.trim() || null),
});

/** The draft, normalized (currency upper-cased, blank reference as null), or ProviderError "invalid" naming the field. */
export function checkRefundDraft(provider: ProviderId, draft: RefundDraft): RefundDraft {
  const parsed = refundDraftSchema.safeParse(draft);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "draft";
  throw new ProviderError(provider, "invalid", `Refund refused before anything was written: ${field} ${issue.message}`, { code: "invalid_refund" });
}

/**
 * `refund-of:<id>` names the invoice a refund belongs to, in a free-text field the provider keeps
 * with the refund (QuickBooks PrivateNote, Xero Reference). Concord writes it first; a person may
 * add text around it, and QuickBooks prepends "Voided - " when voiding, so it is found anywhere.
 */
const REFUND_OF = /(?:^|[\s(\[])refund-of:([A-Za-z0-9_-]+)(?=$|[\s)\].,;])/;

export function refundOfMarker(invoiceExternalId: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(invoiceExternalId)) throw new RangeError(`"${invoiceExternalId}" cannot be written as a refund-of marker`);
  return `refund-of:${invoiceExternalId}`;
}

/** The invoice id a note's `refund-of:` marker names, or null. */
export function refundOfIn(text: string | null | undefined): string | null {
  return REFUND_OF.exec(text ?? "")?.[1] ?? null;
}

/** The marker, then the human text, cut to `max` characters without ever cutting the marker. */
export function withRefundMarker(invoiceExternalId: string, text: string | null, max: number): string {
  const marker = refundOfMarker(invoiceExternalId);
  const rest = text?.trim();
  return rest ? `${marker} ${rest}`.slice(0, Math.max(max, marker.length)) : marker;
}
