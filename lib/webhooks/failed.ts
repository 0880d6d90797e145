/**
 * Deliveries that ran out of attempts: shown on the Connections page with a Retry action, which
 * puts them back in the queue and hands them to the sync engine again.
 */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { enqueue } from "../jobs";
import { MAX_DELIVERY_ATTEMPTS } from "../sync/sweep";

export async function failedDeliveryCounts(ctx: WorkspaceContext): Promise<Map<string, { count: number; lastError: string | null }>> {
  assertCan(ctx, "workspace:view");
  const rows = await db().webhookDelivery.groupBy({
    by: ["connectionId"],
    where: { workspaceId: ctx.workspace.id, status: "FAILED", attempts: { gte: MAX_DELIVERY_ATTEMPTS } },
    _count: { _all: true },
    _max: { lastError: true },
  });
  return new Map(rows.filter((r) => r.connectionId).map((r) => [r.connectionId!, { count: r._count._all, lastError: r._max.lastError }]));
}

export async function retryFailedDeliveries(ctx: WorkspaceContext, connectionId: string): Promise<number> {
  assertCan(ctx, "connections:manage");
  const connection = await db().connection.findFirst({ where: { id: connectionId, workspaceId: ctx.workspace.id }, select: { id: true } });
  if (!connection) throw new ApiError("not_found", "No such connection in this workspace.");
  const failed = await db().webhookDelivery.findMany({ where: { connectionId, status: "FAILED", attempts: { gte: MAX_DELIVERY_ATTEMPTS } }, select: { id: true } });
  if (failed.length === 0) return 0;
  const ids = failed.map((d) => d.id);
  await db().webhookDelivery.updateMany({ where: { id: { in: ids }, status: "FAILED" }, data: { status: "RECEIVED", attempts: 0, lastError: null } });
  await enqueue(ids.map((deliveryId) => ({ name: "concord/webhook.received", data: { deliveryId, connectionId } })));
  return ids.length;
}
