/**
 * Pulls of a connection, one at a time per connection: a backfill (all records, paged) or an
 * incremental pull from the saved cursor. What an incremental pull changed is reconciled; a
 * backfill only builds the picture (history is not pushed into other systems on connect), and
 * once every connection's first pull is done, history's conflicts are raised for a person.
 */
import { pullConnection as pull } from "@/lib/sync/pull";
import { reviewHistory } from "@/lib/sync/review";
import { inngest } from "../client";
import { connectionPull, invoiceChanged } from "../events";

/** Reconcile events per sendEvent step: a large incremental pull fans out in slices. */
const FAN_OUT = 500;

export const pullConnection = inngest.createFunction(
  { id: "pull-connection", name: "Pull a connection", triggers: [connectionPull], retries: 3, concurrency: { key: "event.data.connectionId", limit: 1 } },
  async ({ event, step }) => {
    const summary = await step.run("pull", async () => {
      const result = await pull(event.data.connectionId, event.data.kind);
      if (result.error) throw new Error(result.error);
      return { kind: result.kind, workspaceId: result.workspaceId, processed: result.processed, invoiceIds: result.kind === "INCREMENTAL" ? result.ingest.invoiceIds : [] };
    });
    if (summary.kind === "BACKFILL") await step.run("review-history", () => reviewHistory(summary.workspaceId));
    for (let i = 0; i < summary.invoiceIds.length; i += FAN_OUT) {
      await step.sendEvent(`reconcile-${i / FAN_OUT}`, summary.invoiceIds.slice(i, i + FAN_OUT).map((invoiceId) => invoiceChanged.create({ invoiceId })));
    }
    return { kind: summary.kind, processed: summary.processed, reconciled: summary.invoiceIds.length };
  },
);
