"use server";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import { emailSchema } from "@/lib/accounts/schemas";
import { idSchema, roleSchema } from "@/lib/authz/schemas";
import { createInvitation, revokeInvitation, type CreatedInvitation } from "@/lib/invitations";
import { changeMemberRole, removeMember } from "@/lib/members";

export const inviteMemberAction = workspaceAction(
  {
    permission: "members:manage",
    input: z.object({ email: z.union([z.literal(""), emailSchema]).optional(), role: roleSchema }),
  },
  async (ctx, input) => {
    const invitation: CreatedInvitation = await createInvitation(ctx, { email: input.email || null, role: input.role });
    return {
      ok: true,
      data: invitation,
      message: invitation.emailed ? `Invitation sent to ${input.email}.` : "Invitation link created. Copy it and send it yourself.",
    };
  },
);

export const revokeInvitationAction = workspaceAction(
  { permission: "members:manage", input: z.object({ invitationId: idSchema }) },
  async (ctx, input) => {
    await revokeInvitation(ctx, input.invitationId);
    return { ok: true, data: undefined, message: "Invitation withdrawn." };
  },
);

export const changeRoleAction = workspaceAction(
  { permission: "members:manage", input: z.object({ membershipId: idSchema, role: roleSchema }) },
  async (ctx, input) => {
    await changeMemberRole(ctx, input.membershipId, input.role);
    return { ok: true, data: undefined, message: "Role changed." };
  },
);

export const removeMemberAction = workspaceAction(
  { permission: "members:manage", input: z.object({ membershipId: idSchema }) },
  async (ctx, input) => {
    await removeMember(ctx, input.membershipId);
    return { ok: true, data: undefined, message: "Member removed." };
  },
);
