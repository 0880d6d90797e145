/**
 * The audit trail's query and answer shapes, in zod: the same schemas validate the API, the
 * page's feed and the CSV export, and generate the OpenAPI document (lib/api/openapi.ts).
 */
import { z } from "zod";

export const ACTOR_TYPES = ["USER", "API_KEY", "SYSTEM"] as const;

const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => {
    const date = new Date(`${d}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(d);
  }, "Not a real date.");
/** A calendar date (a whole UTC day) or an exact ISO 8601 time with its offset. */
const moment = z.union([calendarDate, z.iso.datetime({ offset: true })], { error: "Use a date (YYYY-MM-DD) or an ISO 8601 time." });

/** The filters, shared by the list, the feed and the export. */
const filterShape = {
  actorType: z.enum(ACTOR_TYPES).optional().describe("Who acted: a person (USER), an API key (API_KEY) or Concord itself (SYSTEM: sync runs, pushes)."),
  actor: z.string().trim().min(1).max(200).optional().describe("An actor's id (user, API key or run) exactly, or part of their label (email, key name, run name)."),
  action: z.string().trim().min(1).max(100).optional().describe("Actions starting with this: `sync.push` matches `sync.push.record_payment`."),
  subjectType: z.string().trim().min(1).max(64).optional().describe("What the entry is about: invoice, connection, member, api_key, workspace, ..."),
  subjectId: z.string().trim().min(1).max(200).optional().describe("The subject's id (with subjectType, one record's whole history)."),
  connectionId: z.string().trim().min(1).max(64).optional().describe("Entries about this connection (kept after it is removed)."),
  correlationId: z.string().trim().min(1).max(200).optional().describe("Entries of one run or request: a sync run's id, for instance."),
  from: moment.optional().describe("At or after this time; a date means from the start of that UTC day."),
  to: moment.optional().describe("At or before this time; a date means through the end of that UTC day."),
  q: z.string().trim().min(1).max(100).optional().describe("Text anywhere in the entry: actor, action, subject, ids, or the before/after values."),
};

const orderedRange = (q: { from?: string; to?: string }) => {
  const { from, to, toExclusive } = bounds(q);
  return !from || !to || (toExclusive ? from < to : from <= to);
};
const rangeIssue = { message: "`from` must not be after `to`.", path: ["from"] };

export const auditFilterQuery = z.strictObject(filterShape).refine(orderedRange, rangeIssue);
export type AuditFilters = z.output<typeof auditFilterQuery>;

export const auditListQuery = z
  .strictObject({
    ...filterShape,
    cursor: z.string().max(100).optional().describe("`nextCursor` of the previous page."),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine(orderedRange, rangeIssue);
export type AuditListQuery = z.output<typeof auditListQuery>;

/** The time range of `from`/`to` as instants: a date `to` runs to the end of its day (exclusive bound). */
export function bounds(q: { from?: string; to?: string }): { from?: Date; to?: Date; toExclusive: boolean } {
  const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
  const from = q.from ? new Date(isDate(q.from) ? `${q.from}T00:00:00Z` : q.from) : undefined;
  if (!q.to) return { from, toExclusive: false };
  if (!isDate(q.to)) return { from, to: new Date(q.to), toExclusive: false };
  return { from, to: new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000), toExclusive: true };
}

export const auditEntrySchema = z.object({
  id: z.string().regex(/^\d+$/).describe("Increasing within a workspace: the order entries were written in."),
  at: z.string().describe("When it was written (ISO 8601, UTC)."),
  actorType: z.enum(ACTOR_TYPES),
  actorId: z.string().nullable().describe("The user's, API key's or sync run's id."),
  actorLabel: z.string().describe("The actor as shown: an email, a key name, a run's name."),
  action: z.string(),
  subjectType: z.string(),
  subjectId: z.string().nullable(),
  connectionId: z.string().nullable(),
  changes: z.unknown().describe("Before/after: `{ field: { old, new } }`, or what was sent and answered."),
  correlationId: z.string().nullable(),
  prevHash: z.string().nullable().describe("The previous entry's hash in this workspace (null for the first)."),
  hash: z.string().describe("sha256 over the previous hash and this entry's canonical content."),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

export const auditPageSchema = z.object({ data: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;

export const verifyReportSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int(),
  broken: z.number().int().describe("How many entries fail their check."),
  firstBroken: z.object({ id: z.string(), at: z.string(), reason: z.string() }).nullable(),
});
export type VerifyReport = z.infer<typeof verifyReportSchema>;
