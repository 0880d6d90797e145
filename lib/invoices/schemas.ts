/**
 * The timeline's and the invoice API's shapes, in zod: the same schemas validate requests and
 * generate the OpenAPI document (lib/api/openapi.ts), so the document cannot drift from the code.
 */
import { z } from "zod";

export const INVOICE_STATUSES = ["DRAFT", "OPEN", "PARTIALLY_PAID", "PAID", "VOID", "UNCOLLECTIBLE"] as const;
export const SYSTEMS = ["stripe", "quickbooks", "xero", "hubspot"] as const;

const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use a calendar date, YYYY-MM-DD.").refine((d) => {
    const date = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d);
  }, "Not a real date.");
/** Several values as one comma-separated query parameter: `status=OPEN,PAID`. */
const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(",").map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

export const invoiceListQuery = z
  .strictObject({
    status: commaList(INVOICE_STATUSES).optional().describe("Canonical statuses, comma-separated."),
    system: z.enum(SYSTEMS).optional().describe("Only invoices this system holds."),
    disagreement: z.enum(["true", "false"]).transform((v) => v === "true").optional().describe("true: only invoices the systems disagree on."),
    customer: z.string().min(1).max(64).optional().describe("A canonical customer id."),
    from: calendarDate.optional().describe("Issued on or after this date."),
    to: calendarDate.optional().describe("Issued on or before this date."),
    q: z.string().trim().min(1).max(100).optional().describe("Search by invoice number or customer name."),
    cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page."),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: "`from` must not be after `to`.", path: ["from"] });
export type InvoiceListQuery = z.output<typeof invoiceListQuery>;

const money = z.string().regex(/^-?\d+$/).describe("Integer amount in the currency's minor unit (cents), as a string.");

export const chipSchema = z.object({
  connectionId: z.string(),
  system: z.enum(SYSTEMS),
  externalId: z.string(),
  number: z.string().nullable(),
  status: z.enum([...INVOICE_STATUSES, "DELETED"]),
  currency: z.string(),
  totalMinor: money,
  amountPaidMinor: money,
  dueDate: z.string().nullable(),
});

export const invoiceSummarySchema = z.object({
  id: z.string(),
  number: z.string().nullable(),
  customer: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  currency: z.string().length(3),
  totalMinor: money,
  amountPaidMinor: money,
  amountDueMinor: money,
  status: z.enum(INVOICE_STATUSES),
  issueDate: z.string().nullable(),
  dueDate: z.string().nullable(),
  disagreement: z.boolean().describe("The systems holding this invoice disagree on status, amounts, currency or due date."),
  systems: z.array(chipSchema),
  version: z.number().int(),
  updatedAt: z.string(),
});
export type InvoiceSummary = z.infer<typeof invoiceSummarySchema>;

export const invoicePageSchema = z.object({ data: z.array(invoiceSummarySchema), nextCursor: z.string().nullable() });
export type InvoicePage = z.infer<typeof invoicePageSchema>;

export const historyEventSchema = z.object({
  at: z.string(),
  kind: z.enum(["created", "linked", "pulled", "payment", "conflict_opened", "conflict_resolved", "audit"]),
  system: z.enum(SYSTEMS).nullable(),
  text: z.string(),
});

export const invoiceDetailSchema = invoiceSummarySchema.extend({
  subtotalMinor: money,
  taxMinor: money,
  paidDate: z.string().nullable(),
  memo: z.string().nullable(),
  lines: z.array(z.object({ description: z.string(), quantity: z.string(), unitAmountMinor: money, amountMinor: money })),
  records: z.array(
    z.object({
      connectionId: z.string(),
      system: z.enum(SYSTEMS),
      connectionName: z.string(),
      externalId: z.string(),
      matchRule: z.string().nullable(),
      matchConfidence: z.number().int().nullable(),
      fetchedAt: z.string(),
      snapshot: z.record(z.string(), z.unknown()).describe("The record as Concord normalized it (amounts in minor units, calendar dates)."),
    }),
  ),
  payments: z.array(z.object({ id: z.string(), kind: z.enum(["PAYMENT", "REFUND"]), amountMinor: money, currency: z.string(), paidOn: z.string(), systems: z.array(z.enum(SYSTEMS)) })),
  conflicts: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string(), createdAt: z.string() })),
  history: z.array(historyEventSchema),
});
export type InvoiceDetail = z.infer<typeof invoiceDetailSchema>;

export const connectionSchema = z.object({
  id: z.string(),
  system: z.enum(SYSTEMS),
  displayName: z.string(),
  externalAccountId: z.string(),
  status: z.enum(["ACTIVE", "NEEDS_REAUTH", "DISCONNECTED", "ERROR"]),
  lastSyncedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});
