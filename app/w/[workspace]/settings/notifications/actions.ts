"use server";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import type { ActionResult } from "@/lib/actions/result";
import { webhookUrlSchema } from "@/lib/notifications/schemas";
import { removeWebhook, rotateWebhookSecret, setDigest, setWebhookUrl } from "@/lib/notifications/settings";
import { sendTestEvent } from "@/lib/notifications/webhook";

export const saveDigestAction = workspaceAction(
  { permission: "notifications:manage", input: z.object({ enabled: z.enum(["on", "off"], { error: "Choose on or off." }) }) },
  async (ctx, input) => {
    const { changed } = await setDigest(ctx, input.enabled === "on");
    if (!changed) return { ok: true, data: undefined, message: "Nothing changed." };
    return { ok: true, data: undefined, message: input.enabled === "on" ? "Daily digest on: the first covers conflicts opened from now." : "Daily digest off." };
  },
);

export const saveWebhookAction = workspaceAction(
  { permission: "notifications:manage", input: z.object({ url: webhookUrlSchema }) },
  async (ctx, input): Promise<ActionResult<{ secret: string | null }>> => {
    const { changed, secret } = await setWebhookUrl(ctx, input.url);
    if (secret) return { ok: true, data: { secret }, message: "Webhook added. Copy the signing secret now: it is shown only once." };
    return { ok: true, data: { secret: null }, message: changed ? "Webhook URL changed." : "Nothing changed." };
  },
);

export const removeWebhookAction = workspaceAction({ permission: "notifications:manage", input: z.object({}) }, async (ctx) => {
  const { changed } = await removeWebhook(ctx);
  return { ok: true, data: undefined, message: changed ? "Webhook removed." : "There was no webhook." };
});

export const rotateWebhookSecretAction = workspaceAction({ permission: "notifications:manage", input: z.object({}) }, async (ctx): Promise<ActionResult<{ secret: string | null }>> => {
  const { secret } = await rotateWebhookSecret(ctx);
  return { ok: true, data: { secret }, message: "New signing secret. Copy it now: it is shown only once. The old one keeps signing for 24 hours." };
});

export const sendTestWebhookAction = workspaceAction({ permission: "notifications:manage", input: z.object({}) }, async (ctx) => {
  const result = await sendTestEvent(ctx);
  if (result.ok) return { ok: true, data: result, message: `Test event delivered (HTTP ${result.status}).` };
  return { ok: false, error: { code: "unavailable", message: `Test event not delivered: ${result.error ?? "no answer"}.` } };
});
