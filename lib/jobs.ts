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
  | { name: "concord/invoice.changed"; data: { invoiceId: string } }
  /** `recover`: the app just started; what a stopped process left undone is picked up at once. */
  | { name: "concord/sweep.requested"; data: { recover?: boolean } };

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
      const pulled = await pullConnection(job.data.connectionId, job.data.kind);
      if (pulled.kind === "BACKFILL" && !pulled.error) {
        const { reviewHistory } = await import("./sync/review");
        await reviewHistory(pulled.workspaceId);
      }
      return;
    }
    case "concord/invoice.changed": {
      const { reconcileInvoice } = await import("./sync/propagate/reconcile");
      const result = await reconcileInvoice(job.data.invoiceId);
      // An answer that changed the picture may leave more to do (a payment on an invoice just created).
      if (result?.outcomes.some((o) => o.changed)) await enqueue([job]);
      return;
    }
    case "concord/sweep.requested": {
      const { planSweep } = await import("./sync/sweep");
      const plan = await planSweep(new Date(), { recover: job.data.recover });
      await enqueue([
        ...plan.pulls.map((p) => ({ name: "concord/connection.pull" as const, data: p })),
        ...plan.deliveries.map((d) => ({ name: "concord/webhook.received" as const, data: d })),
        ...plan.reconciles.map((invoiceId) => ({ name: "concord/invoice.changed" as const, data: { invoiceId } })),
      ]);
      return;
    }
  }
}
