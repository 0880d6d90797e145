"use server";
import { z } from "zod";
import { userAction } from "@/lib/actions/define";
import { acceptInvitation } from "@/lib/invitations";

export const acceptInvitationAction = userAction(
  { input: z.object({ token: z.string().min(10).max(200) }), redirectTo: (data: { slug: string }) => `/w/${data.slug}/invoices` },
  async (person, input) => ({ ok: true, data: await acceptInvitation(person, input.token) }),
);
