/** Changes to a workspace itself: its name, and one key of its settings at a time. */
import { db, type DbOrTx } from "./db";
import type { Prisma } from "./db/generated/client";
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

/**
 * Sets one key of Workspace.settings (sync rules, auto-resolution, notifications each own one),
 * leaving the others as they are: the row is locked for the transaction and only that key is
 * replaced, so two settings saved at once never undo each other. Call inside the transaction
 * that audits the change.
 */
export async function writeSettingsKey(tx: DbOrTx, workspaceId: string, key: string, value: Prisma.InputJsonValue): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM "Workspace" WHERE id = ${workspaceId} FOR UPDATE`;
  await tx.$executeRaw`UPDATE "Workspace" SET settings = jsonb_set(COALESCE(settings, '{}'::jsonb), ${[key]}::text[], ${JSON.stringify(value)}::jsonb, true), "updatedAt" = now() WHERE id = ${workspaceId}`;
}
