/**
 * Outgoing webhooks, every minute: for each workspace with a webhook, the batch still waiting for
 * a 2xx (when due), then the conflicts opened since its cursor (lib/notifications/webhook.ts).
 * All state is in PostgreSQL, so a missed or failed tick is simply the next tick's work; the
 * workspaces run as parallel steps, so one slow receiver does not hold up the others.
 */
import { deliverWebhook } from "@/lib/notifications/webhook";
import { webhookWorkspaces } from "@/lib/notifications/store";
import { inngest } from "../client";

/**
 * Deliveries in flight at once, across ticks. Inngest counts a run's parallel steps against its
 * function's concurrency, so a limit of 1 would send one workspace at a time and a few receivers
 * that time out (10 s each) would hold every other workspace's conflicts back for minutes. Two
 * ticks overlapping are safe: a batch is claimed before it is sent (lib/notifications/webhook.ts).
 */
const PARALLEL_DELIVERIES = 20;

export const notifyWebhook = inngest.createFunction(
  { id: "notify-webhook", name: "Notify: conflict webhooks", triggers: [{ cron: "* * * * *" }], retries: 0, concurrency: { limit: PARALLEL_DELIVERIES } },
  async ({ step }) => {
    const workspaceIds = await step.run("plan", () => webhookWorkspaces());
    const outcomes = await Promise.all(workspaceIds.map((id) => step.run(`deliver-${id}`, () => deliverWebhook(id))));
    return {
      workspaces: workspaceIds.length,
      delivered: outcomes.reduce((n, o) => n + o.delivered, 0),
      failed: outcomes.filter((o) => o.state === "failed").length,
    };
  },
);
