/**
 * "Verify integrity": recomputes a workspace's hash chain from its first entry, in id order and
 * in batches (a long trail never sits in memory), with the same content and hash as recordAudit,
 * and reports the first broken link. The check itself is recorded in the trail (audit.verified).
 *
 * What it catches: a changed entry (its content no longer hashes to its hash), a removed or
 * reordered entry, or a rewritten hash (the next entry's link no longer matches). What no chain
 * can catch alone: the newest entries removed from the end, or the whole chain rewritten from the
 * point of change; an earlier audit.verified entry records the head it saw, for comparison.
 */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { entryContent, entryHash, recordAudit, type StoredEntry } from "./record";
import type { VerifyReport } from "./schemas";

const BATCH = 1000;

export type ChainReport = VerifyReport & { head: { id: string; hash: string } | null };

/** Walks one workspace's chain. Reads only: entries written meanwhile are simply not reached. */
export async function verifyChain(workspaceId: string, batchSize = BATCH): Promise<ChainReport> {
  let checked = 0;
  let broken = 0;
  let firstBroken: VerifyReport["firstBroken"] = null;
  let previous: { id: bigint; hash: string } | null = null;
  let after: bigint | null = null;
  for (;;) {
    const rows: StoredEntry[] = await db().auditEntry.findMany({
      where: { workspaceId, ...(after === null ? {} : { id: { gt: after } }) },
      orderBy: { id: "asc" },
      take: batchSize,
    });
    for (const row of rows) {
      checked++;
      const reason = brokenLink(row, previous);
      if (reason) {
        broken++;
        firstBroken ??= { id: row.id.toString(), at: row.at.toISOString(), reason };
      }
      previous = { id: row.id, hash: row.hash };
    }
    if (rows.length < batchSize) break;
    after = rows[rows.length - 1]!.id;
  }
  const head = previous ? { id: previous.id.toString(), hash: previous.hash } : null;
  return { ok: broken === 0, checked, broken, firstBroken, head };
}

/** Why this entry breaks the chain after `previous` (null: the first entry), or null when it holds. */
function brokenLink(row: StoredEntry, previous: { id: bigint; hash: string } | null): string | null {
  if (previous === null && row.prevHash !== null) return "The first entry points to an earlier one that is no longer there: entries were removed from the start.";
  if (previous !== null && row.prevHash !== previous.hash) {
    return `Its link does not match entry #${previous.id}'s hash: an entry between them was removed, or #${previous.id}'s hash was rewritten.`;
  }
  if (entryHash(row.prevHash, entryContent(row)) !== row.hash) return "Its content does not match its hash: the entry was changed after it was written.";
  return null;
}

/** The "Verify integrity" action: checks the caller's workspace and records the outcome in the trail. */
export async function verifyAudit(ctx: WorkspaceContext): Promise<VerifyReport> {
  assertCan(ctx, "audit:view");
  const { head, ...report } = await verifyChain(ctx.workspace.id);
  await db().$transaction((tx) =>
    recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "audit.verified",
      subjectType: "workspace",
      subjectId: ctx.workspace.id,
      changes: { ...report, head },
    }),
  );
  return report;
}
