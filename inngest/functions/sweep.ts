/**
 * The scheduled sweep, every three minutes: incremental pulls for every active connection (the
 * net under missed webhooks), deliveries left unprocessed, and tokens refreshed ahead of expiry.
 */
import { accessToken } from "@/lib/connections/tokens";
import { planSweep } from "@/lib/sync/sweep";
import { inngest } from "../client";
import { connectionPull, webhookReceived } from "../events";

export const sweep = inngest.createFunction(
  { id: "sweep", name: "Sweep", triggers: [{ cron: "*/3 * * * *" }], retries: 1, concurrency: { limit: 1 } },
  async ({ step }) => {
    const plan = await step.run("plan", () => planSweep());
    for (const connectionId of plan.refreshes) {
      await step.run(`refresh-${connectionId}`, async () => {
        await accessToken(connectionId);
        return { connectionId };
      });
    }
    if (plan.pulls.length > 0) await step.sendEvent("pulls", plan.pulls.map((p) => connectionPull.create({ connectionId: p.connectionId, kind: p.kind })));
    if (plan.deliveries.length > 0) await step.sendEvent("deliveries", plan.deliveries.map((d) => webhookReceived.create(d)));
    return { pulls: plan.pulls.length, deliveries: plan.deliveries.length, refreshes: plan.refreshes.length };
  },
);
