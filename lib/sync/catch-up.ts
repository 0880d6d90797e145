/**
 * History on request. On connect Concord builds the picture but pushes nothing (lib/sync/review.ts
 * raises history's conflicts only); invoices the systems already disagreed on wait for a person to
 * say "apply the rules to them too". Catching up marks them due and asks the sync engine to
 * reconcile each, exactly as a fresh change would be: the same plans, idempotency keys, rate
 * limits, conflicts and audit entries. Asking again is harmless (a reconciled invoice has nothing
 * left to write).
 */
import { db } from "../db";
import { recordAudit } from "../audit/record";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { enqueue } from "../jobs";

/** Invoices the systems disagree on that no change has marked for the sync engine. */
export async function historyBacklog(ctx: WorkspaceContext): Promise<number> {
  assertCan(ctx, "workspace:view");
  return db().invoice.count({ where: { workspaceId: ctx.workspace.id, disagreement: true, syncDueAt: null } });
}

export async function catchUpHistory(ctx: WorkspaceContext): Promise<{ invoices: number }> {
  assertCan(ctx, "sync-rules:manage");
  const ids = await db().$transaction(async (tx) => {
    const marked = await tx.$queryRaw<{ id: string }[]>`
      UPDATE "Invoice" SET "syncDueAt" = now() AT TIME ZONE 'UTC'
      WHERE "workspaceId" = ${ctx.workspace.id} AND disagreement AND "syncDueAt" IS NULL
      RETURNING id`;
    await recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "sync.history_caught_up", subjectType: "workspace", subjectId: ctx.workspace.id, changes: { invoices: marked.length } });
    return marked.map((m) => m.id);
  });
  // Marked due first: if these events are lost, the sweep finds the invoices anyway.
  for (let i = 0; i < ids.length; i += 500) await enqueue(ids.slice(i, i + 500).map((invoiceId) => ({ name: "concord/invoice.changed" as const, data: { invoiceId } })));
  return { invoices: ids.length };
}
