/** Changes to a workspace itself (its name; later its sync rules). */
import { db } from "./db";
import { recordAudit } from "./audit/record";
import { assertCan, type WorkspaceContext } from "./authz/context";

export async function renameWorkspace(ctx: WorkspaceContext, name: string): Promise<void> {
  assertCan(ctx, "workspace:manage");
  await db().$transaction(async (tx) => {
    await tx.workspace.update({ where: { id: ctx.workspace.id }, data: { name } });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "workspace.renamed",
      subjectType: "workspace",
      subjectId: ctx.workspace.id,
      changes: { name: { old: ctx.workspace.name, new: name } },
    });
  });
}
