/**
 * Workspace.settings.notifications, read and written. Writers lock the workspace row and replace
 * only the `notifications` key (jsonb_set), so they never overwrite the sync rules beside it and
 * two writers of notifications (a person's change, a delivery) never lose each other's update.
 */
import { db, type DbOrTx } from "../db";
import type { Prisma } from "../db/generated/client";
import { log } from "../log";
import { notificationsSchema, type NotificationsState } from "./schemas";

function parse(workspaceId: string, raw: unknown): NotificationsState {
  if (raw === null || raw === undefined) return {};
  const parsed = notificationsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  log().warn({ workspaceId, issues: parsed.error.issues.length }, "notification settings do not parse; treated as unset");
  return {};
}

export async function readNotifications(workspaceId: string, client: DbOrTx = db()): Promise<NotificationsState> {
  const rows = await client.$queryRaw<{ n: unknown }[]>`SELECT settings->'notifications' AS n FROM "Workspace" WHERE id = ${workspaceId}`;
  return parse(workspaceId, rows[0]?.n);
}

export type LockedWorkspace = { slug: string; name: string; state: NotificationsState };

/** Inside `tx`: locks the workspace row until the transaction ends and reads the current state (null: no such workspace). */
export async function lockNotifications(tx: Prisma.TransactionClient, workspaceId: string): Promise<LockedWorkspace | null> {
  const rows = await tx.$queryRaw<{ slug: string; name: string; n: unknown }[]>`SELECT slug, name, settings->'notifications' AS n FROM "Workspace" WHERE id = ${workspaceId} FOR UPDATE`;
  const row = rows[0];
  return row ? { slug: row.slug, name: row.name, state: parse(workspaceId, row.n) } : null;
}

/** Inside `tx`, after lockNotifications: replaces the notifications key and nothing else. */
export async function writeNotifications(tx: Prisma.TransactionClient, workspaceId: string, state: NotificationsState): Promise<void> {
  const value = JSON.stringify(state);
  await tx.$executeRaw`UPDATE "Workspace" SET settings = jsonb_set(COALESCE(settings, '{}'::jsonb), '{notifications}', ${value}::jsonb, true) WHERE id = ${workspaceId}`;
}

/** Workspaces with a webhook configured. (A small table, scanned once a minute: there is no index on the JSON.) */
export async function webhookWorkspaces(): Promise<string[]> {
  const rows = await db().$queryRaw<{ id: string }[]>`SELECT id FROM "Workspace" WHERE settings->'notifications'->'webhook' IS NOT NULL ORDER BY id`;
  return rows.map((r) => r.id);
}

/** Workspaces with the daily digest turned on. */
export async function digestWorkspaces(): Promise<string[]> {
  const rows = await db().$queryRaw<{ id: string }[]>`SELECT id FROM "Workspace" WHERE settings->'notifications'->'digest'->'enabled' = 'true'::jsonb ORDER BY id`;
  return rows.map((r) => r.id);
}
