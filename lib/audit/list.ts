/**
 * Reading the audit trail: one workspace's entries, filtered and searched, newest first, a page
 * at a time by keyset on the id (the order entries were written in), so a deep page costs what
 * the first does. The export (export.ts) reads through the same batches.
 */
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import type { StoredEntry } from "./record";
import { bounds, type AuditEntryView, type AuditFilters, type AuditListQuery, type AuditPage } from "./schemas";

/** A listed entry (its workspace is the caller's). */
type Row = Omit<StoredEntry, "workspaceId">;

export function toView(row: Row): AuditEntryView {
  return { ...row, id: row.id.toString(), at: row.at.toISOString() };
}

/** A LIKE pattern that matches `text` literally (its % _ and \ escaped). */
function literal(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The filters as SQL conditions, always inside the workspace. */
export function auditWhere(workspaceId: string, filters: AuditFilters): Prisma.Sql {
  const and: Prisma.Sql[] = [Prisma.sql`"workspaceId" = ${workspaceId}`];
  if (filters.actorType) and.push(Prisma.sql`"actorType" = ${filters.actorType}::"ActorType"`);
  if (filters.actor) and.push(Prisma.sql`("actorId" = ${filters.actor} OR "actorLabel" ILIKE ${`%${literal(filters.actor)}%`})`);
  if (filters.action) and.push(Prisma.sql`"action" LIKE ${`${literal(filters.action)}%`}`);
  if (filters.subjectType) and.push(Prisma.sql`"subjectType" = ${filters.subjectType}`);
  if (filters.subjectId) and.push(Prisma.sql`"subjectId" = ${filters.subjectId}`);
  if (filters.connectionId) and.push(Prisma.sql`"connectionId" = ${filters.connectionId}`);
  if (filters.correlationId) and.push(Prisma.sql`"correlationId" = ${filters.correlationId}`);
  const range = bounds(filters);
  if (range.from) and.push(Prisma.sql`"at" >= ${range.from}`);
  if (range.to) and.push(range.toExclusive ? Prisma.sql`"at" < ${range.to}` : Prisma.sql`"at" <= ${range.to}`);
  if (filters.q) {
    const pattern = `%${literal(filters.q)}%`;
    and.push(Prisma.sql`("actorLabel" ILIKE ${pattern} OR "action" ILIKE ${pattern} OR "subjectType" ILIKE ${pattern}
      OR "subjectId" ILIKE ${pattern} OR "actorId" ILIKE ${pattern} OR "connectionId" ILIKE ${pattern}
      OR "correlationId" ILIKE ${pattern} OR "changes"::text ILIKE ${pattern})`);
  }
  return Prisma.join(and, " AND ");
}

/** Up to `limit` matching entries with ids below `beforeId` (all when null), newest first. */
export async function auditBatch(workspaceId: string, filters: AuditFilters, beforeId: bigint | null, limit: number): Promise<Row[]> {
  const where = auditWhere(workspaceId, filters);
  const before = beforeId === null ? Prisma.empty : Prisma.sql`AND "id" < ${beforeId}`;
  return db().$queryRaw<Row[]>`
    SELECT "id", "at", "actorType"::text AS "actorType", "actorId", "actorLabel", "action", "subjectType", "subjectId",
           "connectionId", "changes", "correlationId", "prevHash", "hash"
      FROM "AuditEntry"
     WHERE ${where} ${before}
     ORDER BY "id" DESC
     LIMIT ${limit}`;
}

export function encodeCursor(id: string): string {
  return Buffer.from(`audit:${id}`).toString("base64url");
}

function decodeCursor(cursor: string): bigint {
  const match = /^audit:(\d{1,19})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw new ApiError("bad_request", "This cursor is not valid; start again without it.");
  return BigInt(match[1]!);
}

export async function listAudit(ctx: WorkspaceContext, query: AuditListQuery): Promise<AuditPage> {
  assertCan(ctx, "audit:view");
  const { cursor, limit, ...filters } = query;
  const rows = await auditBatch(ctx.workspace.id, filters, cursor ? decodeCursor(cursor) : null, limit + 1);
  const page = rows.slice(0, limit).map(toView);
  return { data: page, nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null };
}
