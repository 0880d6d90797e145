/** The shell's badge: how many conflicts of the workspace are open. */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";

export async function openConflictCount(ctx: WorkspaceContext): Promise<number> {
  assertCan(ctx, "workspace:view");
  return db().conflict.count({ where: { workspaceId: ctx.workspace.id, status: "OPEN" } });
}
