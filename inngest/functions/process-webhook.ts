/** A stored webhook delivery: fetch what it names, store and link it, then reconcile what changed. */
import { processDelivery } from "@/lib/webhooks/process";
import { inngest } from "../client";
import { invoiceChanged, webhookReceived } from "../events";

export const processWebhook = inngest.createFunction(
  { id: "process-webhook", name: "Process a webhook delivery", triggers: [webhookReceived], retries: 4, concurrency: { key: "event.data.connectionId", limit: 4 } },
  async ({ event, step }) => {
    const outcome = await step.run("fetch-store-link", () => processDelivery(event.data.deliveryId));
    if (outcome.invoiceIds.length > 0) await step.sendEvent("reconcile", outcome.invoiceIds.map((invoiceId) => invoiceChanged.create({ invoiceId })));
    return { status: outcome.status, fetched: outcome.fetched, invoices: outcome.invoiceIds.length };
  },
);
