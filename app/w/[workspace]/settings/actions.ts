"use server";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import { workspaceNameSchema } from "@/lib/accounts/schemas";
import { renameWorkspace } from "@/lib/workspace-settings";
import { setSyncRules, syncRulesSchema } from "@/lib/sync/rules";
import { autoResolveSchema, setAutoResolveRules } from "@/lib/conflicts/auto-rules";

export const renameWorkspaceAction = workspaceAction(
  { permission: "workspace:manage", input: z.object({ name: workspaceNameSchema }) },
  async (ctx, input) => {
    await renameWorkspace(ctx, input.name);
    return { ok: true, data: undefined, message: "Workspace renamed." };
  },
);

export const saveSyncRulesAction = workspaceAction(
  { permission: "sync-rules:manage", input: z.object(syncRulesSchema.shape) },
  async (ctx, input) => {
    const { changed } = await setSyncRules(ctx, input);
    return { ok: true, data: undefined, message: changed ? "Rules saved. Invoices are being recomputed with them." : "Nothing changed." };
  },
);

export const saveAutoResolveAction = workspaceAction(
  { permission: "sync-rules:manage", input: z.object(autoResolveSchema.shape) },
  async (ctx, input) => {
    const { changed } = await setAutoResolveRules(ctx, input);
    return { ok: true, data: undefined, message: changed ? "Auto-resolution rules saved. They apply from the next sync." : "Nothing changed." };
  },
);
