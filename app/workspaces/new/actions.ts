"use server";
import { z } from "zod";
import { userAction } from "@/lib/actions/define";
import { workspaceNameSchema } from "@/lib/accounts/schemas";
import { createWorkspaceFor } from "@/lib/workspaces";

export const createWorkspaceAction = userAction(
  { input: z.object({ name: workspaceNameSchema }), redirectTo: (data: { slug: string }) => `/w/${data.slug}/invoices` },
  async (person, input) => {
    const workspace = await createWorkspaceFor(person.id, input.name);
    return { ok: true, data: { slug: workspace.slug }, message: `Created ${workspace.name}.` };
  },
);
