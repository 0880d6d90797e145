/**
 * Members of a workspace and their roles. Role rules come from lib/authz; the last OWNER can
 * never be removed or demoted (owner rows are locked while that is checked, so two owners
 * demoting each other at once cannot leave none).
 */
import { db, type DbOrTx, type Role } from "./db";
import { recordAudit } from "./audit/record";
import { assertCan, type WorkspaceContext } from "./authz/context";
import { canAssignRole } from "./authz/permissions";
import { ApiError } from "./http/errors";

export type MemberRow = { id: string; userId: string; name: string | null; email: string; role: Role; joinedAt: Date };

export async function listMembers(ctx: WorkspaceContext, client: DbOrTx = db()): Promise<MemberRow[]> {
  assertCan(ctx, "workspace:view");
  const rows = await client.membership.findMany({
    where: { workspaceId: ctx.workspace.id },
    select: { id: true, userId: true, role: true, createdAt: true, user: { select: { name: true, email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ id: r.id, userId: r.userId, name: r.user.name, email: r.user.email, role: r.role, joinedAt: r.createdAt }));
}

/**
 * Serializes membership changes within a workspace, so every rule below (last owner, who may
 * change whom) is checked against rows nobody else is changing at the same time.
 */
async function lockMembers(tx: DbOrTx, workspaceId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`members:${workspaceId}`}))`;
}

async function ownerCount(tx: DbOrTx, workspaceId: string): Promise<number> {
  return tx.membership.count({ where: { workspaceId, role: "OWNER" } });
}

const RANK: Record<Role, number> = { OWNER: 3, ADMIN: 2, MEMBER: 1, VIEWER: 0 };

/**
 * API keys and pending invitations a person created may not grant more than that person now
 * holds: when someone is demoted or removed, the ones above their new role are revoked.
 */
async function revokeGrantsAbove(tx: DbOrTx, workspaceId: string, userId: string, role: Role | null): Promise<void> {
  const above = (Object.keys(RANK) as Role[]).filter((r) => role === null || RANK[r] > RANK[role]);
  const now = new Date();
  await tx.apiKey.updateMany({ where: { workspaceId, createdById: userId, revokedAt: null, role: { in: above } }, data: { revokedAt: now } });
  await tx.invitation.updateMany({ where: { workspaceId, invitedById: userId, acceptedAt: null, revokedAt: null, role: { in: above } }, data: { revokedAt: now } });
}

async function targetMembership(tx: DbOrTx, ctx: WorkspaceContext, membershipId: string) {
  const target = await tx.membership.findFirst({
    where: { id: membershipId, workspaceId: ctx.workspace.id },
    select: { id: true, role: true, userId: true, user: { select: { email: true } } },
  });
  if (!target) throw new ApiError("not_found", "No such member in this workspace.");
  return target;
}

const LAST_OWNER = "A workspace needs at least one owner. Make someone else an owner first.";

export async function changeMemberRole(ctx: WorkspaceContext, membershipId: string, role: Role): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    await lockMembers(tx, ctx.workspace.id);
    const target = await targetMembership(tx, ctx, membershipId);
    if (target.role === role) return;
    if (!canAssignRole(ctx.role, target.role, role)) throw new ApiError("forbidden", "Only owners can grant or change the owner role.");
    if (target.role === "OWNER" && (await ownerCount(tx, ctx.workspace.id)) <= 1) throw new ApiError("conflict", LAST_OWNER);
    await tx.membership.update({ where: { id: target.id }, data: { role } });
    await revokeGrantsAbove(tx, ctx.workspace.id, target.userId, role);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "member.role_changed",
      subjectType: "membership",
      subjectId: target.id,
      changes: { email: target.user.email, role: { old: target.role, new: role } },
    });
  });
}

export async function removeMember(ctx: WorkspaceContext, membershipId: string): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    await lockMembers(tx, ctx.workspace.id);
    const target = await targetMembership(tx, ctx, membershipId);
    if (!canAssignRole(ctx.role, target.role, target.role)) throw new ApiError("forbidden", "Only owners can remove an owner.");
    if (target.role === "OWNER" && (await ownerCount(tx, ctx.workspace.id)) <= 1) throw new ApiError("conflict", LAST_OWNER);
    await tx.membership.delete({ where: { id: target.id } });
    await revokeGrantsAbove(tx, ctx.workspace.id, target.userId, null);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "member.removed",
      subjectType: "membership",
      subjectId: target.id,
      changes: { email: target.user.email, role: { old: target.role, new: null } },
    });
  });
}

/** Adds an existing user (operator CLI). Adding someone already there changes their role. */
export async function addMember(ctx: WorkspaceContext, email: string, role: Role): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    await lockMembers(tx, ctx.workspace.id);
    const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw new ApiError("not_found", `No user with the email ${email}. Create it first (user:create).`, { email: ["No such user"] });
    const existing = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId: ctx.workspace.id, userId: user.id } } });
    if (!canAssignRole(ctx.role, existing?.role ?? null, role)) throw new ApiError("forbidden", "Only owners can grant or change the owner role.");
    if (existing?.role === "OWNER" && role !== "OWNER" && (await ownerCount(tx, ctx.workspace.id)) <= 1) throw new ApiError("conflict", LAST_OWNER);
    if (existing) await revokeGrantsAbove(tx, ctx.workspace.id, user.id, role);
    const membership = await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: ctx.workspace.id, userId: user.id } },
      update: { role },
      create: { workspaceId: ctx.workspace.id, userId: user.id, role },
      select: { id: true },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: existing ? "member.role_changed" : "member.added",
      subjectType: "membership",
      subjectId: membership.id,
      changes: { email, role: { old: existing?.role ?? null, new: role } },
    });
  });
}
