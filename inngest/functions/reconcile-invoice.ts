/**
 * Reconciling an invoice: plan what each system needs and open the conflicts the rules cannot
 * settle, then hand each write to its connection's push function. Debounced per invoice: a burst
 * of changes (a webhook, its duplicate, the pull that follows) is reconciled once.
 */
import { planPushes } from "@/lib/sync/propagate/reconcile";
import { inngest } from "../client";
import { invoiceChanged, pushRequested } from "../events";

export const reconcileInvoice = inngest.createFunction(
  { id: "reconcile-invoice", name: "Reconcile an invoice", triggers: [invoiceChanged], retries: 3, debounce: { key: "event.data.invoiceId", period: "1s" } },
  async ({ event, step }) => {
    const planned = await step.run("plan", () => planPushes(event.data.invoiceId));
    if (planned.pushes.length > 0) {
      await step.sendEvent("push", planned.pushes.map((p) => pushRequested[p.provider].create({ invoiceId: event.data.invoiceId, connectionId: p.connectionId, idempotencyKey: p.idempotencyKey, kind: p.kind })));
    }
    return { pushes: planned.pushes.length, conflictsOpened: planned.conflictsOpened, skipped: planned.skipped };
  },
);
