/**
 * Reading conflicts in the order they were opened, from a cursor, for the notifications. A
 * conflict's createdAt is set when its transaction writes it, but it becomes visible only at
 * commit: a reader that moved its cursor past a conflict still uncommitted would skip it forever.
 * So readers stop at a horizon: before the start of the oldest transaction still open (those
 * are the only ones that can still commit an older conflict), a few seconds back for clock
 * differences between the app and the database, and never more than ten minutes back, so a
 * session left idle in a transaction cannot hold notifications up.
 */
import { db, type DbOrTx } from "../db";
import { log } from "../log";
import type { Cursor } from "./schemas";

export const SETTLE_SECONDS = 5;
const MAX_WAIT_MINUTES = 10;

export type ConflictLine = { id: string; kind: string; field: string | null; invoiceId: string | null; invoiceNumber: string | null; createdAt: Date };

/** Conflicts created before this instant can no longer appear behind a cursor. */
export async function conflictHorizon(): Promise<Date> {
  try {
    const rows = await db().$queryRaw<{ horizon: Date }[]>`
      SELECT LEAST(
               clock_timestamp() - make_interval(secs => ${SETTLE_SECONDS}),
               GREATEST(COALESCE(min(xact_start), clock_timestamp()) - make_interval(secs => ${SETTLE_SECONDS}),
                        clock_timestamp() - make_interval(mins => ${MAX_WAIT_MINUTES}))
             ) AS horizon
      FROM pg_stat_activity
      WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`;
    return new Date(rows[0]!.horizon);
  } catch (error) {
    // pg_stat_activity hidden or missing (an unusual server): wait the longest instead.
    log().warn({ err: error instanceof Error ? error.message : String(error) }, "transaction horizon unavailable; using the maximum wait");
    return new Date(Date.now() - MAX_WAIT_MINUTES * 60_000);
  }
}

/** The cursor a new reader starts from: what is opened from now on. */
export function cursorAt(at: Date): Cursor {
  return { at: at.toISOString(), id: "" };
}

export function cursorOf(line: { id: string; createdAt: Date }): Cursor {
  return { at: line.createdAt.toISOString(), id: line.id };
}

const select = { id: true, kind: true, field: true, invoiceId: true, createdAt: true, invoice: { select: { number: true } } } as const;
type Row = { id: string; kind: string; field: string | null; invoiceId: string | null; createdAt: Date; invoice: { number: string | null } | null };
const line = (r: Row): ConflictLine => ({ id: r.id, kind: r.kind, field: r.field, invoiceId: r.invoiceId, invoiceNumber: r.invoice?.number ?? null, createdAt: r.createdAt });

/** (createdAt, id) > cursor */
function pastCursor(cursor: Cursor) {
  const at = new Date(cursor.at);
  return { OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: cursor.id } }] };
}

function after(workspaceId: string, cursor: Cursor, horizon: Date) {
  return { workspaceId, createdAt: { lt: horizon }, ...pastCursor(cursor) };
}

/** Up to `limit` conflicts opened after `cursor` and before `horizon`, oldest first (whatever their status now). */
export async function conflictsAfter(workspaceId: string, cursor: Cursor, horizon: Date, limit: number, client: DbOrTx = db()): Promise<ConflictLine[]> {
  const rows = await client.conflict.findMany({ where: after(workspaceId, cursor, horizon), orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit, select });
  return rows.map(line);
}

/** The window (cursor, horizon): how many by kind, the last one (the next cursor), and the first `limit` to list. */
export async function conflictWindow(workspaceId: string, cursor: Cursor, upTo: Cursor, limit: number): Promise<{ total: number; byKind: Record<string, number>; lines: ConflictLine[] }> {
  const end = new Date(upTo.at);
  // cursor < (createdAt, id) <= upTo
  const where = { workspaceId, AND: [pastCursor(cursor), { OR: [{ createdAt: { lt: end } }, { createdAt: end, id: { lte: upTo.id } }] }] };
  const [groups, rows] = await Promise.all([
    db().conflict.groupBy({ by: ["kind"], where, _count: { _all: true }, orderBy: { kind: "asc" } }),
    db().conflict.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit, select }),
  ]);
  const byKind = Object.fromEntries(groups.map((g) => [g.kind, g._count._all]));
  return { total: Object.values(byKind).reduce((a, b) => a + b, 0), byKind, lines: rows.map(line) };
}

/** The last conflict opened after `cursor` and before `horizon`, or null when there is none. */
export async function lastConflictAfter(workspaceId: string, cursor: Cursor, horizon: Date, client: DbOrTx = db()): Promise<Cursor | null> {
  const row = await client.conflict.findFirst({ where: after(workspaceId, cursor, horizon), orderBy: [{ createdAt: "desc" }, { id: "desc" }], select: { id: true, createdAt: true } });
  return row ? cursorOf(row) : null;
}

/** These conflicts of the workspace, oldest first (those deleted since are left out). */
export async function conflictLines(workspaceId: string, ids: string[], client: DbOrTx = db()): Promise<ConflictLine[]> {
  if (ids.length === 0) return [];
  const rows = await client.conflict.findMany({ where: { workspaceId, id: { in: ids } }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select });
  return rows.map(line);
}
