/**
 * Reading the conflict inbox: one workspace's conflicts, filtered by status and kind and searched
 * by invoice number or customer, newest first, a page at a time by keyset on (createdAt, id);
 * counts by kind for the same status and search. Each conflict comes with its invoice, every
 * system's value, the actions that fit it now, and after a resolution how the sync engine carried
 * it to the other systems.
 */
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { SUMMARY_SELECT, toSummary } from "../invoices/timeline";
import type { InvoiceSummary } from "../invoices/schemas";
import { CONFLICT_KINDS, type ConflictKind, type ConflictListQuery, type ConflictPage, type ConflictView, type PushOutcome } from "./schemas";
import { availableActions, matchOf, valueRows } from "./shape";
import { customerRows } from "./customer-rows";

export type ConflictRow = {
  id: string;
  workspaceId: string;
  invoiceId: string | null;
  kind: ConflictKind;
  field: string | null;
  values: unknown;
  status: "OPEN" | "RESOLVED" | "IGNORED";
  resolution: unknown;
  reason: string | null;
  resolvedAt: Date | null;
  version: number;
  createdAt: Date;
};

const ROW_COLUMNS = Prisma.sql`c.id, c."workspaceId", c."invoiceId", c.kind::text AS kind, c.field, c.values, c.status::text AS status, c.resolution, c.reason, c."resolvedAt", c.version, c."createdAt"`;

/** A LIKE pattern that matches `text` literally. */
const literal = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(at ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new ApiError("bad_request", "This cursor is not valid; start again without it.");
  return { createdAt, id };
}

/** Status and search as SQL, always inside the workspace (the kind filter is added by the list, not the counts). */
function baseWhere(workspaceId: string, query: Pick<ConflictListQuery, "status" | "q">): Prisma.Sql {
  const and = [Prisma.sql`c."workspaceId" = ${workspaceId}`, Prisma.sql`c.status::text = ANY(${query.status}::text[])`];
  if (query.q) {
    const pattern = literal(query.q);
    and.push(Prisma.sql`(i.number ILIKE ${pattern} OR i."customerName" ILIKE ${pattern} OR c.reason ILIKE ${pattern}
      OR (c.kind = 'CUSTOMER' AND c.values::text ILIKE ${pattern}))`);
  }
  return Prisma.join(and, " AND ");
}

export async function listConflicts(ctx: WorkspaceContext, query: ConflictListQuery): Promise<ConflictPage> {
  assertCan(ctx, "workspace:view");
  const where = [baseWhere(ctx.workspace.id, query)];
  if (query.kind) where.push(Prisma.sql`c.kind::text = ANY(${query.kind}::text[])`);
  if (query.cursor) {
    const { createdAt, id } = decodeCursor(query.cursor);
    where.push(Prisma.sql`(c."createdAt", c.id) < (${createdAt}, ${id})`);
  }
  const [rows, counted] = await Promise.all([
    db().$queryRaw<ConflictRow[]>`
      SELECT ${ROW_COLUMNS} FROM "Conflict" c LEFT JOIN "Invoice" i ON i.id = c."invoiceId"
      WHERE ${Prisma.join(where, " AND ")} ORDER BY c."createdAt" DESC, c.id DESC LIMIT ${query.limit + 1}`,
    db().$queryRaw<{ kind: string; n: bigint }[]>`
      SELECT c.kind::text AS kind, count(*) AS n FROM "Conflict" c LEFT JOIN "Invoice" i ON i.id = c."invoiceId"
      WHERE ${baseWhere(ctx.workspace.id, query)} GROUP BY c.kind`,
  ]);
  const page = rows.slice(0, query.limit);
  const byKind = Object.fromEntries(CONFLICT_KINDS.map((k) => [k, 0]));
  for (const c of counted) byKind[c.kind] = Number(c.n);
  return {
    data: await toViews(ctx.workspace.id, page),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null,
    counts: { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind },
  };
}

/** One conflict of the workspace, or 404. */
export async function getConflict(ctx: WorkspaceContext, id: string): Promise<ConflictView> {
  assertCan(ctx, "workspace:view");
  const row = await readConflict(ctx.workspace.id, id);
  if (!row) throw new ApiError("not_found", "No such conflict.");
  return (await toViews(ctx.workspace.id, [row]))[0]!;
}

export async function readConflict(workspaceId: string, id: string, client: Prisma.TransactionClient | ReturnType<typeof db> = db()): Promise<ConflictRow | null> {
  const rows = await client.$queryRaw<ConflictRow[]>`SELECT ${ROW_COLUMNS} FROM "Conflict" c WHERE c."workspaceId" = ${workspaceId} AND c.id = ${id}`;
  return rows[0] ?? null;
}

type Resolution = { action?: string; rule?: string; source?: string; value?: string; decidedValue?: unknown; by?: string; reason?: string; settledAt?: string; notes?: string[] };

/** The rows a conflict shows: CUSTOMER conflicts read every system's spelling now; the others show what was stored. */
export async function rowsOf(workspaceId: string, conflicts: Pick<ConflictRow, "kind" | "values">[]): Promise<Map<Pick<ConflictRow, "kind" | "values">, unknown>> {
  const out = new Map<Pick<ConflictRow, "kind" | "values">, unknown>();
  const customerIds = conflicts.flatMap((c) => (c.kind === "CUSTOMER" ? [customerIdOf(c.values)].filter((v): v is string => Boolean(v)) : []));
  const live = await customerRows(workspaceId, customerIds);
  for (const c of conflicts) out.set(c, c.kind === "CUSTOMER" ? (live.get(customerIdOf(c.values) ?? "") ?? c.values) : c.values);
  return out;
}

export function customerIdOf(values: unknown): string | null {
  if (!Array.isArray(values)) return null;
  const concord = values.find((v) => v && typeof v === "object" && (v as { provider?: unknown }).provider === "CONCORD") as { customerId?: unknown } | undefined;
  return typeof concord?.customerId === "string" ? concord.customerId : null;
}

async function toViews(workspaceId: string, rows: ConflictRow[]): Promise<ConflictView[]> {
  if (rows.length === 0) return [];
  const matches = new Map(rows.map((r) => [r.id, matchOf(r.kind, r.values)]));
  const invoiceIds = [...new Set(rows.flatMap((r) => [r.invoiceId, matches.get(r.id)?.otherInvoiceId ?? null]).filter((v): v is string => Boolean(v)))];
  const [invoices, connections, live] = await Promise.all([
    db().invoice.findMany({ where: { workspaceId, id: { in: invoiceIds } }, select: SUMMARY_SELECT }),
    db().connection.findMany({ where: { workspaceId }, select: { id: true, provider: true } }),
    rowsOf(workspaceId, rows),
  ]);
  const summary = new Map<string, InvoiceSummary>(invoices.map((i) => [i.id, toSummary(i)]));
  const systemOf = new Map(connections.map((c) => [c.id, c.provider.toLowerCase() as InvoiceSummary["systems"][number]["system"]]));
  const pushes = await pushOutcomes(workspaceId, rows, systemOf);
  return rows.map((r) => {
    const values = live.get(r) ?? r.values;
    const match = matches.get(r.id) ?? null;
    const resolution = (r.resolution ?? null) as Resolution | null;
    const concordRow = valueRows(values).find((v) => v.system === "concord");
    return {
      id: r.id,
      kind: r.kind,
      field: r.field,
      status: r.status,
      version: r.version,
      createdAt: r.createdAt.toISOString(),
      invoice: r.invoiceId ? (summary.get(r.invoiceId) ?? null) : null,
      customer: r.kind === "CUSTOMER" && customerIdOf(r.values) ? { id: customerIdOf(r.values)!, name: concordRow?.value ?? "" } : null,
      reason: r.reason,
      rows: valueRows(values),
      match: match
        ? {
            record: { system: match.record.provider ? (match.record.provider.toLowerCase() as InvoiceSummary["systems"][number]["system"]) : null, connectionId: match.record.connectionId, externalId: match.record.externalId },
            confidence: match.confidence,
            other: summary.get(match.otherInvoiceId) ?? null,
          }
        : null,
      actions: availableActions({ ...r, values }),
      resolution: resolution
        ? {
            action: (resolution.action ?? "take") as NonNullable<ConflictView["resolution"]>["action"],
            rule: resolution.rule ?? null,
            source: resolution.source ?? null,
            value: resolution.value ?? null,
            decidedValue: resolution.decidedValue ?? null,
            by: resolution.by ?? null,
            reason: resolution.reason ?? null,
            settledAt: resolution.settledAt ?? null,
          }
        : null,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      push: pushes.get(r.id) ?? null,
    };
  });
}

/**
 * How the sync engine carried each resolution out: the push audit entries on its invoice since
 * the resolution, and a state. Done once the decision has nothing left to write (settledAt);
 * failed while a push of the invoice waits for Retry; pending otherwise.
 */
async function pushOutcomes(workspaceId: string, rows: ConflictRow[], systemOf: Map<string, InvoiceSummary["systems"][number]["system"]>): Promise<Map<string, PushOutcome>> {
  const resolved = rows.filter((r) => r.status === "RESOLVED" && r.resolvedAt);
  const out = new Map<string, PushOutcome>();
  if (resolved.length === 0) return out;
  const invoiceIds = [...new Set(resolved.flatMap((r) => (r.invoiceId ? [r.invoiceId] : [])))];
  const since = new Date(Math.min(...resolved.map((r) => r.resolvedAt!.getTime())));
  const [entries, failures] = await Promise.all([
    invoiceIds.length
      ? db().auditEntry.findMany({
          where: { workspaceId, subjectType: "invoice", subjectId: { in: invoiceIds }, action: { startsWith: "sync.push" }, at: { gte: since } },
          select: { subjectId: true, connectionId: true, action: true, changes: true, at: true },
          orderBy: { id: "asc" },
          take: 500,
        })
      : [],
    invoiceIds.length ? db().pushFailure.findMany({ where: { workspaceId, invoiceId: { in: invoiceIds } }, select: { invoiceId: true, idempotencyKey: true, error: true, failedAt: true } }) : [],
  ]);
  for (const r of resolved) {
    const resolution = (r.resolution ?? {}) as Resolution;
    const pushes = entries
      .filter((e) => e.subjectId === r.invoiceId && e.at >= r.resolvedAt!)
      .map((e) => {
        const failed = e.action.startsWith("sync.push_failed.");
        const changes = (e.changes ?? {}) as { error?: unknown };
        return {
          connectionId: e.connectionId,
          system: e.connectionId ? (systemOf.get(e.connectionId) ?? null) : null,
          action: e.action.replace(/^sync\.push(_failed)?\./, ""),
          ok: !failed,
          error: failed ? String(changes.error ?? "failed") : null,
          at: e.at.toISOString(),
        };
      });
    const failure = failures.find((f) => f.invoiceId === r.invoiceId && (f.idempotencyKey.includes(r.id) || f.failedAt >= r.resolvedAt!));
    const state: PushOutcome["state"] = resolution.settledAt ? "done" : failure ? "failed" : "pending";
    out.set(r.id, { state, error: state === "failed" ? failure!.error : null, notes: resolution.notes ?? [], pushes });
  }
  return out;
}
