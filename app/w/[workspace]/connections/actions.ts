"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import { idSchema } from "@/lib/authz/schemas";
import { chooseAccount } from "@/lib/connections/connect";
import { disconnect } from "@/lib/connections/manage";
import { startPull } from "@/lib/sync/start";
import { retryFailedDeliveries } from "@/lib/webhooks/failed";
import { retryFailedPushes } from "@/lib/sync/propagate/failures";
import { catchUpHistory } from "@/lib/sync/catch-up";

export const disconnectAction = workspaceAction(
  { permission: "connections:manage", input: z.object({ connectionId: idSchema }) },
  async (ctx, input) => {
    const { revoked } = await disconnect(ctx, input.connectionId);
    return { ok: true, data: undefined, message: revoked ? "Disconnected. Concord's access was revoked at the provider." : "Disconnected." };
  },
);

export const chooseAccountAction = workspaceAction(
  { permission: "connections:manage", input: z.object({ flowId: idSchema, account: z.string().min(1, "Choose an account").max(200) }) },
  async (ctx, input) => {
    const outcome = await chooseAccount(ctx, input.flowId, input.account);
    redirect(`/w/${ctx.workspace.slug}/connections?notice=${outcome.kind === "done" ? outcome.notice : outcome.kind === "error" ? outcome.notice : "failed"}&provider=${"provider" in outcome ? outcome.provider : ""}`);
  },
);

export const syncNowAction = workspaceAction(
  { permission: "connections:manage", input: z.object({ connectionId: idSchema }) },
  async (ctx, input) => {
    await startPull(ctx, input.connectionId);
    return { ok: true, data: undefined, message: "Sync started." };
  },
);

export const retryFailedAction = workspaceAction(
  { permission: "connections:manage", input: z.object({ connectionId: idSchema }) },
  async (ctx, input) => {
    const count = await retryFailedDeliveries(ctx, input.connectionId);
    return { ok: true, data: undefined, message: count ? `Retrying ${count} webhook deliver${count === 1 ? "y" : "ies"}.` : "Nothing left to retry." };
  },
);

export const retryFailedPushesAction = workspaceAction(
  { permission: "connections:manage", input: z.object({ connectionId: idSchema }) },
  async (ctx, input) => {
    const count = await retryFailedPushes(ctx, input.connectionId);
    return { ok: true, data: undefined, message: count ? `Retrying ${count} change${count === 1 ? "" : "s"}.` : "Nothing left to retry." };
  },
);

export const catchUpHistoryAction = workspaceAction({ permission: "sync-rules:manage", input: z.object({}) }, async (ctx) => {
  const { invoices } = await catchUpHistory(ctx);
  return { ok: true, data: undefined, message: invoices ? `Applying the sync rules to ${invoices} invoice${invoices === 1 ? "" : "s"}; follow them on the timeline.` : "Nothing left to catch up." };
});
