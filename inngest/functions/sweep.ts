/**
 * The sweep, every three minutes and whenever asked (the app asks once at start-up, to finish at
 * once what a stopped process left undone): incremental pulls for every active connection (the
 * net under missed webhooks), deliveries left unprocessed, invoices whose changes have not yet
 * reached the other systems, and tokens refreshed ahead of expiry.
 */
import { accessToken } from "@/lib/connections/tokens";
import { planSweep } from "@/lib/sync/sweep";
import { abandonRunningPulls } from "@/lib/sync/pull";
import { inngest } from "../client";
import { connectionPull, invoiceChanged, sweepRequested, webhookReceived } from "../events";

/** Reconcile events per sendEvent step. */
const FAN_OUT = 250;

export const sweep = inngest.createFunction(
  { id: "sweep", name: "Sweep", triggers: [{ cron: "*/3 * * * *" }, sweepRequested], retries: 1, concurrency: { limit: 1 } },
  async ({ event, step }) => {
    const recover = event.name === sweepRequested.name && (event.data as { recover?: boolean }).recover === true;
    // At start-up nothing from before is running: pulls a stopped process left RUNNING are abandoned.
    if (recover) await step.run("abandon-stopped-pulls", () => abandonRunningPulls());
    const plan = await step.run("plan", () => planSweep(new Date(), { recover }));
    for (const connectionId of plan.refreshes) {
      await step.run(`refresh-${connectionId}`, async () => {
        await accessToken(connectionId);
        return { connectionId };
      });
    }
    if (plan.pulls.length > 0) await step.sendEvent("pulls", plan.pulls.map((p) => connectionPull.create({ connectionId: p.connectionId, kind: p.kind })));
    if (plan.deliveries.length > 0) await step.sendEvent("deliveries", plan.deliveries.map((d) => webhookReceived.create(d)));
    for (let i = 0; i < plan.reconciles.length; i += FAN_OUT) {
      await step.sendEvent(`reconciles-${i / FAN_OUT}`, plan.reconciles.slice(i, i + FAN_OUT).map((invoiceId) => invoiceChanged.create({ invoiceId })));
    }
    return { pulls: plan.pulls.length, deliveries: plan.deliveries.length, reconciles: plan.reconciles.length, refreshes: plan.refreshes.length, recover };
  },
);
