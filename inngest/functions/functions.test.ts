/**
 * The sync engine's functions with @inngest/test: each is a thin list of named steps, so these
 * tests mock the lib calls (the steps) and check what each function does with their results. The
 * lib behind the steps is tested on its own, and the whole chain runs in e2e/sync.spec.ts.
 * (@inngest/test does not model retries: a failing step's retry is the executor's, tested in
 * lib/inngest-embedded.)
 */
import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { processWebhook } from "./process-webhook";
import { pullConnection } from "./pull-connection";
import { reconcileInvoice } from "./reconcile-invoice";
import { pushToQuickbooks } from "./push";
import { sweep } from "./sweep";

type Sent = { name: string; data: Record<string, unknown> }[];
type Spy = { mock: { calls: unknown[][] } };

/** A sendEvent step answered without sending. */
const sendStep = (id: string) => ({ id, handler: () => ({ ids: [] }) });

/** What the function sent with each sendEvent step, by step id (step tools are spies). */
function sentBy(ctx: { step: { sendEvent: unknown } }): Record<string, Sent> {
  return Object.fromEntries((ctx.step.sendEvent as Spy).mock.calls.map(([id, events]) => [id as string, (Array.isArray(events) ? events : [events]) as Sent]));
}

describe("sync engine functions", () => {
  it("process-webhook: fetches, stores and links, then asks for each touched invoice to be reconciled", async () => {
    const t = new InngestTestEngine({ function: processWebhook });
    const { result, ctx } = await t.execute({
      events: [{ name: "concord/webhook.received", data: { deliveryId: "d1", connectionId: "c1" } }],
      steps: [{ id: "fetch-store-link", handler: () => ({ status: "PROCESSED", fetched: 1, ingest: {}, invoiceIds: ["inv-1", "inv-2"] }) }, sendStep("reconcile")],
    });
    expect(result).toEqual({ status: "PROCESSED", fetched: 1, invoices: 2 });
    const sent = sentBy(ctx);
    expect(sent.reconcile!.map((e) => [e.name, e.data.invoiceId])).toEqual([
      ["concord/invoice.changed", "inv-1"],
      ["concord/invoice.changed", "inv-2"],
    ]);
  });

  it("pull-connection: reconciles what an incremental pull changed, in slices", async () => {
    const ids = Array.from({ length: 1_200 }, (_, i) => `inv-${i}`);
    const t = new InngestTestEngine({ function: pullConnection });
    const { result, ctx } = await t.execute({
      events: [{ name: "concord/connection.pull", data: { connectionId: "c1", kind: "INCREMENTAL" } }],
      steps: [{ id: "pull", handler: () => ({ kind: "INCREMENTAL", processed: 1_300, invoiceIds: ids }) }, sendStep("reconcile-0"), sendStep("reconcile-1"), sendStep("reconcile-2")],
    });
    expect(result).toEqual({ kind: "INCREMENTAL", processed: 1_300, reconciled: 1_200 });
    const sent = sentBy(ctx);
    expect([sent["reconcile-0"]!.length, sent["reconcile-1"]!.length, sent["reconcile-2"]!.length]).toEqual([500, 500, 200]);
    expect(sent["reconcile-2"]!.at(-1)!.data.invoiceId).toBe("inv-1199");
  });

  it("reconcile-invoice: sends each planned write to its provider's push function", async () => {
    const t = new InngestTestEngine({ function: reconcileInvoice });
    const { result, ctx } = await t.execute({
      events: [{ name: "concord/invoice.changed", data: { invoiceId: "inv-1" } }],
      steps: [
        {
          id: "plan",
          handler: () => ({
            pushes: [
              { connectionId: "q1", provider: "QUICKBOOKS", kind: "record_payment", idempotencyKey: "k1" },
              { connectionId: "h1", provider: "HUBSPOT", kind: "create_invoice", idempotencyKey: "k2" },
            ],
            conflictsOpened: 1,
            skipped: 0,
          }),
        },
        sendStep("push"),
      ],
    });
    expect(result).toEqual({ pushes: 2, conflictsOpened: 1, skipped: 0 });
    const sent = sentBy(ctx);
    expect(sent.push).toEqual([
      expect.objectContaining({ name: "concord/push.quickbooks", data: { invoiceId: "inv-1", connectionId: "q1", idempotencyKey: "k1", kind: "record_payment" } }),
      expect.objectContaining({ name: "concord/push.hubspot", data: { invoiceId: "inv-1", connectionId: "h1", idempotencyKey: "k2", kind: "create_invoice" } }),
    ]);
  });

  it("push: carries out one write and reports it; a few at a time per connection, one at a time per write, started no faster than the provider's limit", async () => {
    const t = new InngestTestEngine({ function: pushToQuickbooks });
    const push = { invoiceId: "inv-1", connectionId: "q1", idempotencyKey: "k1", kind: "record_payment" };
    const { result, ctx } = await t.execute({
      events: [{ name: "concord/push.quickbooks", data: push }],
      steps: [{ id: "write", handler: () => ({ done: true, externalId: "130", changed: false }) }],
    });
    expect(result).toEqual({ done: true, externalId: "130", changed: false });
    expect(sentBy(ctx)).toEqual({});
    expect(pushToQuickbooks.opts.throttle).toEqual({ limit: 10, period: "1s", key: "event.data.connectionId" });
    expect(pushToQuickbooks.opts.concurrency).toEqual([
      { limit: 10, key: "event.data.connectionId" },
      { limit: 1, key: "event.data.idempotencyKey" },
    ]);
  });

  it("push: an answer that changed the picture has the invoice reconciled again", async () => {
    const t = new InngestTestEngine({ function: pushToQuickbooks });
    const { ctx } = await t.execute({
      events: [{ name: "concord/push.quickbooks", data: { invoiceId: "inv-1", connectionId: "q1", idempotencyKey: "k1", kind: "create_invoice" } }],
      steps: [{ id: "write", handler: () => ({ done: true, externalId: "131", changed: true }) }, sendStep("reconcile")],
    });
    expect(sentBy(ctx).reconcile).toEqual([expect.objectContaining({ name: "concord/invoice.changed", data: { invoiceId: "inv-1" } })]);
  });

  it("push: once retries are used up, records the failed push (as a step) for a person's Retry", async () => {
    // The SDK registers onFailure as its own function on inngest/function.failed; called here as it would be.
    const onFailure = (pushToQuickbooks as unknown as { onFailureFn: (ctx: unknown) => Promise<unknown> }).onFailureFn;
    const push = { invoiceId: "inv-1", connectionId: "q1", idempotencyKey: "k1", kind: "record_payment" };
    const steps: string[] = [];
    await onFailure({
      event: { name: "inngest/function.failed", data: { event: { name: "concord/push.quickbooks", data: push }, error: { message: "QuickBooks: 500" } } },
      error: new Error("QuickBooks: 500"),
      runId: "run-1",
      step: { run: (id: string) => (steps.push(id), Promise.resolve()) },
    });
    expect(steps).toEqual(["record-failure"]);
  });

  it("sweep: refreshes tokens, then fans out pulls and unprocessed deliveries", async () => {
    const t = new InngestTestEngine({ function: sweep });
    const { result, ctx } = await t.execute({
      events: [{ name: "inngest/scheduled.timer", data: { cron: "*/3 * * * *" } }],
      steps: [
        { id: "plan", handler: () => ({ pulls: [{ connectionId: "c1", kind: "INCREMENTAL" }], deliveries: [{ deliveryId: "d1", connectionId: "c1" }], reconciles: ["inv-9"], refreshes: ["c2"] }) },
        { id: "refresh-c2", handler: () => ({ connectionId: "c2" }) },
        sendStep("pulls"),
        sendStep("deliveries"),
        sendStep("reconciles-0"),
      ],
    });
    expect(result).toEqual({ pulls: 1, deliveries: 1, reconciles: 1, refreshes: 1, recover: false });
    const sent = sentBy(ctx);
    expect(sent.pulls).toEqual([expect.objectContaining({ name: "concord/connection.pull", data: { connectionId: "c1", kind: "INCREMENTAL" } })]);
    expect(sent.deliveries).toEqual([expect.objectContaining({ name: "concord/webhook.received", data: { deliveryId: "d1", connectionId: "c1" } })]);
    expect(sent["reconciles-0"]).toEqual([expect.objectContaining({ name: "concord/invoice.changed", data: { invoiceId: "inv-9" } })]);
  });

  it("sweep at start-up: first abandons pulls a stopped process left running, then plans with no grace period", async () => {
    const t = new InngestTestEngine({ function: sweep });
    const steps: string[] = [];
    const { result } = await t.execute({
      events: [{ name: "concord/sweep.requested", data: { recover: true } }],
      steps: [
        { id: "abandon-stopped-pulls", handler: () => (steps.push("abandon"), 2) },
        { id: "plan", handler: () => (steps.push("plan"), { pulls: [], deliveries: [], reconciles: [], refreshes: [] }) },
      ],
    });
    expect(steps).toEqual(["abandon", "plan"]);
    expect(result).toMatchObject({ recover: true });
  });
});
