/**
 * Pushes that failed for good: the push function used up its retries, or the provider refused
 * the request outright. Each is stored once (by its idempotency key), written to the audit trail,
 * left alone by the planner, and shown on its connection with a Retry action; Retry forgets the
 * failure and hands the invoice back to the sync engine, which plans the same write with the same
 * key (so a write that did land after all is recognized, not made twice).
 */
import { db } from "../../db";
import { recordAudit } from "../../audit/record";
import { assertCan, type WorkspaceContext } from "../../authz/context";
import { ApiError } from "../../http/errors";
import { enqueue } from "../../jobs";

export type PushFailureInput = { invoiceId: string; connectionId: string; idempotencyKey: string; kind: string; error: string };

export async function recordPushFailure(input: PushFailureInput, correlationId: string | null = null): Promise<void> {
  const invoice = await db().invoice.findUnique({ where: { id: input.invoiceId }, select: { workspaceId: true } });
  if (!invoice) return;
  const error = input.error.slice(0, 500);
  await db().$transaction(async (tx) => {
    await tx.pushFailure.upsert({
      where: { idempotencyKey: input.idempotencyKey },
      create: { workspaceId: invoice.workspaceId, invoiceId: input.invoiceId, connectionId: input.connectionId, idempotencyKey: input.idempotencyKey, kind: input.kind, error },
      update: { error, failedAt: new Date() },
    });
    await recordAudit(tx, {
      workspaceId: invoice.workspaceId,
      actor: { type: "SYSTEM", label: "Sync engine" },
      action: `sync.push_gave_up.${input.kind}`,
      subjectType: "invoice",
      subjectId: input.invoiceId,
      connectionId: input.connectionId,
      changes: { error, idempotencyKey: input.idempotencyKey },
      correlationId,
    });
  });
}

export async function failedPushCounts(ctx: WorkspaceContext): Promise<Map<string, { count: number; lastError: string | null }>> {
  assertCan(ctx, "workspace:view");
  const rows = await db().pushFailure.groupBy({ by: ["connectionId"], where: { workspaceId: ctx.workspace.id }, _count: { _all: true }, _max: { error: true } });
  return new Map(rows.map((r) => [r.connectionId, { count: r._count._all, lastError: r._max.error }]));
}

/** Retries every failed push of one connection; answers how many. */
export async function retryFailedPushes(ctx: WorkspaceContext, connectionId: string): Promise<number> {
  assertCan(ctx, "connections:manage");
  const connection = await db().connection.findFirst({ where: { id: connectionId, workspaceId: ctx.workspace.id }, select: { id: true } });
  if (!connection) throw new ApiError("not_found", "No such connection in this workspace.");
  const retried = await db().$transaction(async (tx) => {
    const failed = await tx.pushFailure.findMany({ where: { workspaceId: ctx.workspace.id, connectionId }, select: { id: true, invoiceId: true, kind: true, idempotencyKey: true } });
    if (failed.length === 0) return { count: 0, invoiceIds: [] };
    await tx.pushFailure.deleteMany({ where: { id: { in: failed.map((f) => f.id) } } });
    const ids = [...new Set(failed.map((f) => f.invoiceId))];
    await tx.$executeRaw`UPDATE "Invoice" SET "syncDueAt" = (now() AT TIME ZONE 'UTC') WHERE "workspaceId" = ${ctx.workspace.id} AND id = ANY(${ids}::text[])`;
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "sync.push_retried",
      subjectType: "connection",
      subjectId: connectionId,
      connectionId,
      changes: { pushes: failed.map((f) => ({ invoiceId: f.invoiceId, kind: f.kind, idempotencyKey: f.idempotencyKey })) },
    });
    return { count: failed.length, invoiceIds: ids };
  });
  await enqueue(retried.invoiceIds.map((invoiceId) => ({ name: "concord/invoice.changed", data: { invoiceId } })));
  return retried.count;
}
