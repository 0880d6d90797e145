"use server";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import { workspaceNameSchema } from "@/lib/accounts/schemas";
import { renameWorkspace } from "@/lib/workspace-settings";

export const renameWorkspaceAction = workspaceAction(
  { permission: "workspace:manage", input: z.object({ name: workspaceNameSchema }) },
  async (ctx, input) => {
    await renameWorkspace(ctx, input.name);
    return { ok: true, data: undefined, message: "Workspace renamed." };
  },
);
