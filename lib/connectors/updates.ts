/**
 * What every connector's `updateInvoice` shares: the patch checked with zod before anything is
 * read or written (a bad patch never reaches a provider), and the comparison that tells a patch
 * already applied from one still to make, so that a repeat after success writes nothing.
 */
import { z } from "zod";
import { ProviderError } from "./errors";
import { calendarDate } from "./refunds";
import type { ExternalLine, InvoicePatch, ProviderId } from "./types";

/** Stripe's limit of lines on one invoice, the lowest of the four providers. */
export const MAX_LINES = 250;

const quantity = z
  .string()
  .regex(/^\d{1,12}(\.\d{1,10})?$/, "must be a decimal number like 2 or 1.5")
  .refine((q) => /[1-9]/.test(q), "must be greater than zero");

const line = z.strictObject({
  description: z.string().max(4000, "is longer than 4000 characters"),
  quantity,
  // Every provider takes amounts as JSON numbers or decimals of them: beyond 2^53 none is exact.
  unitAmountMinor: z.bigint().nonnegative("must not be negative").max(BigInt(Number.MAX_SAFE_INTEGER), "is too large to send exactly"),
});

export const invoicePatchSchema = z
  .strictObject({
    dueDate: calendarDate.optional(),
    lines: z.array(line).min(1, "must hold at least one line").max(MAX_LINES, `may hold at most ${MAX_LINES} lines`).optional(),
  })
  .refine((patch) => patch.dueDate !== undefined || patch.lines !== undefined, "changes nothing: give a dueDate, lines or both");

/** The patch as checked, or ProviderError "invalid" (code "invalid_update") naming the field. */
export function checkInvoicePatch(provider: ProviderId, patch: InvoicePatch): InvoicePatch {
  const parsed = invoicePatchSchema.safeParse(patch);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join(".") || "patch";
  throw new ProviderError(provider, "invalid", `Update refused before anything was written: ${field} ${issue.message}`, { code: "invalid_update" });
}

/** A decimal without the zeros that do not change its value: "1.50" → "1.5", "2.0000" → "2", "007" → "7". */
export function plainDecimal(value: string): string {
  const [whole = "0", fraction = ""] = value.trim().split(".");
  const w = whole.replace(/^0+(?=\d)/, "");
  const f = fraction.replace(/0+$/, "");
  return f ? `${w}.${f}` : w;
}

/** Whether an invoice's lines already are the patch's, in order (quantities compared by value). */
export function sameLines(current: Pick<ExternalLine, "description" | "quantity" | "unitAmountMinor">[], wanted: NonNullable<InvoicePatch["lines"]>): boolean {
  return (
    current.length === wanted.length &&
    current.every((l, i) => {
      const w = wanted[i]!;
      return l.description === w.description && plainDecimal(l.quantity) === plainDecimal(w.quantity) && l.unitAmountMinor === w.unitAmountMinor;
    })
  );
}

/** Whether the invoice already shows everything the patch asks for. */
export function alreadyApplied(invoice: { dueDate: string | null; lines: ExternalLine[] }, patch: InvoicePatch): boolean {
  return (patch.dueDate === undefined || invoice.dueDate === patch.dueDate) && (patch.lines === undefined || sameLines(invoice.lines, patch.lines));
}
