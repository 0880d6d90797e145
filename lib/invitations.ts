/**
 * Invitations by link: a single-use token, valid for 7 days, stored only as a hash. Sent by
 * email when SMTP is configured; the link is always shown once to copy.
 */
import { db, type Role } from "./db";
import { recordAudit } from "./audit/record";
import { assertCan, type WorkspaceContext } from "./authz/context";
import { canAssignRole } from "./authz/permissions";
import { ApiError } from "./http/errors";
import { sendEmail } from "./email";
import { appUrl } from "./urls";
import { newToken, tokenHash } from "./tokens";

export const INVITATION_DAYS = 7;

export type CreatedInvitation = { id: string; url: string; expiresAt: Date; emailed: boolean };

export async function createInvitation(
  ctx: WorkspaceContext,
  input: { email?: string | null; role: Role },
): Promise<CreatedInvitation> {
  assertCan(ctx, "members:manage");
  if (!canAssignRole(ctx.role, null, input.role)) throw new ApiError("forbidden", "Only owners can invite owners.");
  const inviter = ctx.actor;
  if (inviter.type !== "USER") throw new ApiError("forbidden", "Invitations are sent by people, not API keys.");
  const token = newToken("inv_");
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 86_400_000);
  const invitation = await db().$transaction(async (tx) => {
    const created = await tx.invitation.create({
      data: { workspaceId: ctx.workspace.id, email: input.email ?? null, role: input.role, tokenHash: tokenHash(token), expiresAt, invitedById: inviter.id },
      select: { id: true },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "invitation.created",
      subjectType: "invitation",
      subjectId: created.id,
      changes: { email: input.email ?? null, role: input.role },
    });
    return created;
  });
  const url = appUrl(`/invite/${token}`);
  const emailed = input.email
    ? await sendEmail({
        to: input.email,
        subject: `You are invited to ${ctx.workspace.name} on Concord`,
        text: `${ctx.actor.label} invited you to join ${ctx.workspace.name} on Concord as ${input.role.toLowerCase()}.\n\nAccept: ${url}\n\nThe link works once and expires in ${INVITATION_DAYS} days.`,
      })
    : false;
  return { id: invitation.id, url, expiresAt, emailed };
}

export type PendingInvitation = { id: string; email: string | null; role: Role; expiresAt: Date; invitedBy: string };

export async function listPendingInvitations(ctx: WorkspaceContext): Promise<PendingInvitation[]> {
  assertCan(ctx, "members:manage");
  const rows = await db().invitation.findMany({
    where: { workspaceId: ctx.workspace.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    select: { id: true, email: true, role: true, expiresAt: true, invitedBy: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role, expiresAt: r.expiresAt, invitedBy: r.invitedBy.email }));
}

export async function revokeInvitation(ctx: WorkspaceContext, invitationId: string): Promise<void> {
  assertCan(ctx, "members:manage");
  await db().$transaction(async (tx) => {
    const { count } = await tx.invitation.updateMany({
      where: { id: invitationId, workspaceId: ctx.workspace.id, acceptedAt: null, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (count === 0) throw new ApiError("not_found", "No pending invitation with this id.");
    await recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "invitation.revoked", subjectType: "invitation", subjectId: invitationId });
  });
}

export type InvitationPreview =
  | { state: "valid"; workspaceName: string; role: Role; email: string | null; invitedBy: string }
  | { state: "expired" | "used" | "revoked" | "unknown" };

/** What the invitation page shows before the visitor accepts. */
export async function previewInvitation(token: string): Promise<InvitationPreview> {
  const row = await db().invitation.findUnique({
    where: { tokenHash: tokenHash(token) },
    select: { email: true, role: true, expiresAt: true, acceptedAt: true, revokedAt: true, workspace: { select: { name: true } }, invitedBy: { select: { name: true, email: true } } },
  });
  if (!row) return { state: "unknown" };
  if (row.revokedAt) return { state: "revoked" };
  if (row.acceptedAt) return { state: "used" };
  if (row.expiresAt <= new Date()) return { state: "expired" };
  return { state: "valid", workspaceName: row.workspace.name, role: row.role, email: row.email, invitedBy: row.invitedBy.name ?? row.invitedBy.email };
}

export const INVITATION_PROBLEMS = {
  unknown: "This invitation link is not valid. Check that you copied all of it.",
  revoked: "This invitation was withdrawn. Ask for a new one.",
  used: "This invitation has already been used.",
  expired: "This invitation has expired. Ask for a new one.",
} as const;

/** Joins the workspace. The token is consumed by a conditional update, so it works exactly once. */
export async function acceptInvitation(user: { id: string; email: string }, token: string): Promise<{ slug: string }> {
  const preview = await previewInvitation(token);
  if (preview.state !== "valid") throw new ApiError("conflict", INVITATION_PROBLEMS[preview.state]);
  if (preview.email && preview.email !== user.email) {
    throw new ApiError("forbidden", `This invitation is for ${preview.email}. Sign in with that email to accept it.`);
  }
  return db().$transaction(async (tx) => {
    const invitation = await tx.invitation.findUniqueOrThrow({ where: { tokenHash: tokenHash(token) }, select: { id: true, role: true, workspaceId: true, workspace: { select: { slug: true, name: true } } } });
    // Someone already in the workspace keeps their role, and the link stays usable for its invitee.
    const member = await tx.membership.findUnique({ where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: user.id } } });
    if (member) throw new ApiError("conflict", `You are already a member of ${invitation.workspace.name}.`);
    const { count } = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
      data: { acceptedAt: new Date(), acceptedBy: user.id },
    });
    if (count === 0) throw new ApiError("conflict", INVITATION_PROBLEMS.used);
    const membership = await tx.membership.create({ data: { workspaceId: invitation.workspaceId, userId: user.id, role: invitation.role }, select: { id: true } });
    await recordAudit(tx, {
      workspaceId: invitation.workspaceId,
      actor: { type: "USER", id: user.id, label: user.email },
      action: "member.joined",
      subjectType: "membership",
      subjectId: membership.id,
      changes: { email: user.email, role: { old: null, new: invitation.role }, invitationId: invitation.id },
    });
    return { slug: invitation.workspace.slug };
  });
}
