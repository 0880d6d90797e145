/**
 * The one way lib asks for background work: events for the sync engine's Inngest functions
 * (inngest/functions). Where no Inngest is configured at all (tests, the CLI), the same lib code
 * runs in this process instead, in the background, so nothing is silently dropped.
 */
import { log } from "./log";

export type Job =
  | { name: "concord/webhook.received"; data: { deliveryId: string; connectionId: string } }
  /** `kind` omitted: a backfill until one has finished, incremental after. */
  | { name: "concord/connection.pull"; data: { connectionId: string; kind?: "BACKFILL" | "INCREMENTAL" } }
  | { name: "concord/invoice.changed"; data: { invoiceId: string } };

export function inngestConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.INNGEST_EVENT_KEY || env.INNGEST_DEV || env.INNGEST_BASE_URL);
}

export async function enqueue(jobs: Job[]): Promise<void> {
  if (jobs.length === 0) return;
  if (inngestConfigured()) {
    const { inngest } = await import("../inngest/client");
    await inngest.send(jobs);
    return;
  }
  for (const job of jobs) void runInline(job).catch((error) => log().warn({ job: job.name, err: error instanceof Error ? error.message : String(error) }, "background job failed"));
}

async function runInline(job: Job): Promise<void> {
  switch (job.name) {
    case "concord/webhook.received": {
      const { processDelivery } = await import("./webhooks/process");
      const outcome = await processDelivery(job.data.deliveryId);
      await enqueue(outcome.invoiceIds.map((invoiceId) => ({ name: "concord/invoice.changed", data: { invoiceId } })));
      return;
    }
    case "concord/connection.pull": {
      const { pullConnection } = await import("./sync/pull");
      await pullConnection(job.data.connectionId, job.data.kind);
      return;
    }
    case "concord/invoice.changed": {
      const { reconcileInvoice } = await import("./sync/propagate/reconcile");
      await reconcileInvoice(job.data.invoiceId);
      return;
    }
  }
}
