/**
 * API keys for /api/v1: shown once at creation, stored as a sha256 hash, scoped to one workspace
 * with a role, revocable, with the last use recorded (at most once a minute, to keep requests
 * from writing on every call).
 */
import { db, type Role } from "./db";
import { recordAudit } from "./audit/record";
import { assertCan, type WorkspaceContext } from "./authz/context";
import { canAssignRole } from "./authz/permissions";
import { ApiError } from "./http/errors";
import { newToken, tokenHash } from "./tokens";

export const API_KEY_PREFIX = "ck_live_";
const LAST_USED_RESOLUTION_MS = 60_000;

export type ApiKeyRow = { id: string; name: string; prefix: string; role: Role; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null };

const row = { id: true, name: true, prefix: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

export async function createApiKey(ctx: WorkspaceContext, input: { name: string; role: Role }): Promise<{ key: string; apiKey: ApiKeyRow }> {
  assertCan(ctx, "api-keys:manage");
  if (!canAssignRole(ctx.role, null, input.role)) throw new ApiError("forbidden", "Only owners can create owner keys.");
  const key = newToken(API_KEY_PREFIX);
  const apiKey = await db().$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        workspaceId: ctx.workspace.id,
        name: input.name,
        role: input.role,
        prefix: key.slice(0, API_KEY_PREFIX.length + 6),
        keyHash: tokenHash(key),
        createdById: ctx.actor.type === "USER" ? ctx.actor.id : null,
      },
      select: row,
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "api_key.created",
      subjectType: "api_key",
      subjectId: created.id,
      changes: { name: input.name, role: input.role },
    });
    return created;
  });
  return { key, apiKey };
}

export async function listApiKeys(ctx: WorkspaceContext): Promise<ApiKeyRow[]> {
  assertCan(ctx, "api-keys:manage");
  return db().apiKey.findMany({ where: { workspaceId: ctx.workspace.id }, select: row, orderBy: { createdAt: "desc" } });
}

export async function revokeApiKey(ctx: WorkspaceContext, apiKeyId: string): Promise<void> {
  assertCan(ctx, "api-keys:manage");
  await db().$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({
      where: { id: apiKeyId, workspaceId: ctx.workspace.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new ApiError("not_found", "No active API key with this id.");
    await recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "api_key.revoked", subjectType: "api_key", subjectId: apiKeyId });
  });
}

/** The context an API key grants, or null when the key is unknown or revoked. */
export async function contextForApiKey(key: string): Promise<WorkspaceContext | null> {
  if (!key.startsWith(API_KEY_PREFIX)) return null;
  const found = await db().apiKey.findUnique({
    where: { keyHash: tokenHash(key) },
    select: { id: true, name: true, prefix: true, role: true, revokedAt: true, lastUsedAt: true, workspace: { select: { id: true, name: true, slug: true } } },
  });
  if (!found || found.revokedAt) return null;
  const now = Date.now();
  if (!found.lastUsedAt || now - found.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await db().apiKey.update({ where: { id: found.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { workspace: found.workspace, role: found.role, actor: { type: "API_KEY", id: found.id, label: `${found.name} (${found.prefix}…)` } };
}
