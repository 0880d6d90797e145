/**
 * "Sync now": checks, then asks the sync engine for a pull. Its progress lives in the SyncRun, so
 * the page can follow it.
 */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { enqueue } from "../jobs";

export async function startPull(ctx: WorkspaceContext, connectionId: string): Promise<void> {
  assertCan(ctx, "connections:manage");
  const connection = await db().connection.findFirst({ where: { id: connectionId, workspaceId: ctx.workspace.id }, select: { id: true, status: true } });
  if (!connection) throw new ApiError("not_found", "No such connection in this workspace.");
  if (connection.status !== "ACTIVE") throw new ApiError("conflict", "Reconnect this tool before syncing it.");
  const running = await db().syncRun.findFirst({ where: { connectionId, status: "RUNNING", startedAt: { gt: new Date(Date.now() - 15 * 60_000) } } });
  if (running) throw new ApiError("conflict", "A sync of this connection is already running.");
  await enqueue([{ name: "concord/connection.pull", data: { connectionId } }]);
}

export type RunView = { kind: string; status: string; processed: number; startedAt: Date | null; finishedAt: Date | null; error: string | null };

/** The latest sync run of each connection in the workspace. */
export async function latestRuns(ctx: WorkspaceContext): Promise<Map<string, RunView>> {
  assertCan(ctx, "workspace:view");
  const runs = await db().syncRun.findMany({
    where: { workspaceId: ctx.workspace.id, connectionId: { not: null } },
    orderBy: { createdAt: "desc" },
    distinct: ["connectionId"],
    select: { connectionId: true, kind: true, status: true, processed: true, startedAt: true, finishedAt: true, error: true },
  });
  return new Map(runs.map(({ connectionId, ...run }) => [connectionId!, run]));
}
