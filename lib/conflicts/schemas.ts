/**
 * The conflict inbox's shapes, in zod: the list query, the resolve input (one variant per action,
 * always with the version the person saw, for the optimistic lock), the value a person types in
 * for each field, and the answers. The same schemas validate the API, the page's feed and server
 * actions, and generate the OpenAPI document (lib/api/openapi.ts).
 *
 * What a resolution records (Conflict.resolution), read by the sync engine (lib/sync):
 *   { action, source?, value?, decidedValue, by }
 * - take/enter (field conflicts): `decidedValue` is the field's new canonical value as a string
 *   (totalMinor in minor units, dueDate YYYY-MM-DD, currency, status); `source` is the connection
 *   id taken from, or "CONCORD".
 * - merge (DUPLICATE) and confirm (POSSIBLE_MATCH): `decidedValue` is
 *   { into: <invoice kept>, from: <invoice the record started>, record: { connectionId, externalId } }.
 * - reject (POSSIBLE_MATCH): `decidedValue` is { separate: [invoiceId, otherInvoiceId] }.
 */
import { z } from "zod";
import { INVOICE_STATUSES, invoiceSummarySchema, SYSTEMS } from "../invoices/schemas";

export const CONFLICT_KINDS = ["STATUS", "AMOUNT", "CURRENCY", "DATE", "CUSTOMER", "DUPLICATE", "MISSING", "POSSIBLE_MATCH", "OTHER"] as const;
export const CONFLICT_STATUSES = ["OPEN", "RESOLVED", "IGNORED"] as const;
export const RESOLVE_ACTIONS = ["take", "enter", "merge", "confirm", "reject", "ignore", "reopen"] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];
export type ResolveActionName = (typeof RESOLVE_ACTIONS)[number];

/** Several values as one comma-separated query parameter: `kind=AMOUNT,DATE`. */
const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => [...new Set(s.split(",").map((v) => v.trim()).filter(Boolean))])
    .pipe(z.array(z.enum(values)).min(1));

export const conflictListQuery = z.strictObject({
  status: commaList(CONFLICT_STATUSES).default(["OPEN"]).describe("Conflict statuses, comma-separated (default OPEN)."),
  kind: commaList(CONFLICT_KINDS).optional().describe("Conflict kinds, comma-separated."),
  q: z.string().trim().min(1).max(100).optional().describe("Search by the invoice's number or customer name."),
  cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page."),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ConflictListQuery = z.output<typeof conflictListQuery>;

// ───────────────────────────── What a person may type in, per field ─────────────────────────────

const calendarDate = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use a calendar date, YYYY-MM-DD.")
  .refine((d) => {
    const date = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d);
  }, "Not a real date.");

/**
 * ISO 4217 codes the runtime knows, plus the fund codes its list leaves out (Chile's UF, ...):
 * three letters is the shape, the list catches typos such as "USS".
 */
const FUND_CODES = ["BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XDR"];
const KNOWN_CURRENCIES = new Set([...(typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("currency") : []), ...FUND_CODES]);

/** The value a person enters for each field a conflict can be about; each answers the canonical string. */
export const ENTERED_VALUE: Record<string, z.ZodType<string, string>> = {
  totalMinor: z
    .string()
    .trim()
    .regex(/^-?\d+$/, "Enter a whole number of minor units (cents), such as 123450 for 1,234.50.")
    .refine((v) => !v.startsWith("-"), "An invoice total cannot be negative.")
    .refine((v) => v.replace(/^0+(?=\d)/, "").length <= 18, "That amount is too large.")
    .transform((v) => BigInt(v).toString()),
  dueDate: calendarDate,
  currency: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, "Use a three-letter ISO 4217 code, such as EUR."))
    .refine((v) => KNOWN_CURRENCIES.size === FUND_CODES.length || KNOWN_CURRENCIES.has(v), "Not an ISO 4217 currency code."),
  status: z.enum(INVOICE_STATUSES, { error: `Use one of ${INVOICE_STATUSES.join(", ")}.` }),
  customerName: z.string().trim().min(1, "Enter the customer's name.").max(200),
};

/**
 * The fields a value can be typed in for. A total or a currency is taken from a system, never
 * typed: a total is made of lines, which only a system's lines can carry to the others, and no
 * system changes the currency of an issued invoice.
 */
export const ENTERABLE_FIELDS: readonly string[] = ["dueDate", "status", "customerName"];

// ───────────────────────────── Resolve input ─────────────────────────────

const version = z.coerce.number().int().min(1).describe("The conflict's `version` as you saw it: if someone changed the conflict since, the answer is 409.");

/** The resolve variants, with `extra` fields in each (a conflict id for server actions). */
function resolveVariants<E extends z.ZodRawShape>(extra: E) {
  return z.discriminatedUnion("action", [
    z.strictObject({ ...extra, action: z.literal("take"), source: z.string().trim().min(1).max(300).describe('The `source` of the row whose value to take: a connection id, or "CONCORD".'), version }),
    z.strictObject({ ...extra, action: z.literal("enter"), value: z.string().trim().min(1, "Enter a value.").max(200).describe("The value, checked against the conflict's field: totalMinor an integer of minor units, dueDate YYYY-MM-DD, currency ISO 4217, status an invoice status."), version }),
    z.strictObject({ ...extra, action: z.literal("merge"), version }),
    z.strictObject({ ...extra, action: z.literal("confirm"), version }),
    z.strictObject({ ...extra, action: z.literal("reject"), version }),
    z.strictObject({ ...extra, action: z.literal("ignore"), reason: z.string().trim().min(3, "Say why, in at least 3 characters.").max(500, "Keep the reason under 500 characters."), version }),
    z.strictObject({ ...extra, action: z.literal("reopen"), version }),
  ]);
}

export const resolveInput = resolveVariants({});
export type ResolveInput = z.output<typeof resolveInput>;

/** The same input for a server action: which conflict, too. */
export const resolveActionInput = resolveVariants({ conflictId: z.string().min(1).max(64) });

/** Bulk: the same decision on several conflicts, each with the version the person saw. */
const bulkItems = z.array(z.strictObject({ id: z.string().min(1).max(64), version: z.coerce.number().int().min(1) })).min(1).max(200);
export const bulkInput = z.discriminatedUnion("action", [
  z.strictObject({ action: z.literal("take"), source: z.string().trim().min(1).max(300), items: bulkItems }),
  z.strictObject({ action: z.literal("ignore"), reason: z.string().trim().min(3, "Say why, in at least 3 characters.").max(500, "Keep the reason under 500 characters."), items: bulkItems }),
]);
export type BulkInput = z.output<typeof bulkInput>;

// ───────────────────────────── Answers ─────────────────────────────

const systemOrConcord = z.enum(["concord", ...SYSTEMS]);

export const valueRowSchema = z.object({
  system: systemOrConcord,
  /** What `take` names: the connection id (`<connection id>/<external id>` where one system holds two records here), or "CONCORD". */
  source: z.string(),
  connectionId: z.string().nullable(),
  externalId: z.string().nullable(),
  value: z.string().nullable().describe("The value in that system (amounts in minor units, dates YYYY-MM-DD)."),
  differs: z.boolean().describe("Differs from Concord's (canonical) value."),
});
export type ValueRow = z.infer<typeof valueRowSchema>;

export const pushSchema = z.object({
  state: z.enum(["pending", "done", "failed"]).describe("pending: the sync engine has not finished; done: nothing is left to write (see `notes` for systems that could not take the value); failed: a push failed (see `error`)."),
  error: z.string().nullable(),
  notes: z.array(z.string()).describe("Systems left as they are, and why."),
  pushes: z.array(
    z.object({ connectionId: z.string().nullable(), system: z.enum(SYSTEMS).nullable(), action: z.string(), ok: z.boolean(), error: z.string().nullable(), at: z.string() }),
  ),
});
export type PushOutcome = z.infer<typeof pushSchema>;

export const conflictSchema = z.object({
  id: z.string(),
  kind: z.enum(CONFLICT_KINDS),
  field: z.string().nullable(),
  status: z.enum(CONFLICT_STATUSES),
  version: z.number().int(),
  createdAt: z.string(),
  invoice: invoiceSummarySchema.nullable(),
  customer: z.object({ id: z.string(), name: z.string() }).nullable().describe("CUSTOMER: the canonical customer whose name the systems spell differently."),
  reason: z.string().nullable().describe("Why the engine raised it, or why a person ignored it."),
  rows: z.array(valueRowSchema).describe("Field conflicts: each system's value, Concord's first."),
  match: z
    .object({
      record: z.object({ system: z.enum(SYSTEMS).nullable(), connectionId: z.string().nullable(), externalId: z.string().nullable() }),
      confidence: z.number().int().nullable(),
      other: invoiceSummarySchema.nullable().describe("The invoice the record duplicates or may belong to."),
    })
    .nullable()
    .describe("DUPLICATE and POSSIBLE_MATCH: the record and the other invoice."),
  actions: z.array(z.enum(RESOLVE_ACTIONS)).describe("What can be done with this conflict now."),
  resolution: z
    .object({
      action: z.enum([...RESOLVE_ACTIONS, "auto"]).describe("`auto`: settled by an auto-resolution rule (see `rule`)."),
      rule: z.string().nullable(),
      source: z.string().nullable(),
      value: z.string().nullable(),
      decidedValue: z.unknown(),
      by: z.string().nullable().describe("Who decided: an email or an API key's name."),
      reason: z.string().nullable().describe("Why a person ignored it."),
      settledAt: z.string().nullable().describe("When every system held the decided value."),
    })
    .nullable(),
  resolvedAt: z.string().nullable(),
  push: pushSchema.nullable().describe("After a resolution: how the sync engine carried it to the other systems."),
});
export type ConflictView = z.infer<typeof conflictSchema>;

export const conflictPageSchema = z.object({
  data: z.array(conflictSchema),
  nextCursor: z.string().nullable(),
  counts: z.object({ total: z.number().int(), byKind: z.record(z.string(), z.number().int()) }).describe("Conflicts with the status and search asked for, by kind (whatever `kind` filter)."),
});
export type ConflictPage = z.infer<typeof conflictPageSchema>;

export const bulkResultSchema = z.object({
  data: z.array(z.object({ id: z.string(), ok: z.boolean(), error: z.object({ code: z.string(), message: z.string() }).nullable() })),
});
export type BulkResult = z.infer<typeof bulkResultSchema>;
