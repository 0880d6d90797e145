/**
 * Reconciling against the four sandboxes: an invoice paid in Stripe becomes paid in QuickBooks,
 * Xero and HubSpot, with exactly one payment each, and running it again writes nothing.
 */
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { openTokens } from "../../connections/tokens";
import { fourSystemsForTests } from "../../../test/four-systems";
import { pullConnection } from "../pull";
import { planReconcile, reconcileInvoice } from "./reconcile";
import { failedPushCounts, recordPushFailure, retryFailedPushes } from "./failures";
import { resumeParkedInvoices } from "../resume";
import type { WorkspaceContext } from "../../authz/context";

const { sandboxes, providers: PROVIDERS, state } = fourSystemsForTests({ label: "Reconcile", seed: 21, customers: 5, invoices: 30, currencies: ["USD", "EUR"], live: true });

beforeAll(async () => {
  await Promise.all(PROVIDERS.map((p) => pullConnection(state.connections[p], "BACKFILL")));
}, 120_000);

type Chip = { provider: string; externalId: string; status: string };

/** Pays an open invoice in the Stripe sandbox (as a customer would) and pulls Stripe's changes. */
async function payInStripe(invoiceId: string): Promise<void> {
  const invoice = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { systems: true } });
  const stripeId = (invoice.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;
  const connection = await db().connection.findUniqueOrThrow({ where: { id: state.connections.STRIPE } });
  await new Promise((r) => setTimeout(r, 1_100)); // Stripe's clock has one-second resolution
  const paid = await fetch(`${sandboxes.STRIPE.server().url}/v1/invoices/${stripeId}/pay`, {
    method: "POST",
    headers: { authorization: `Bearer ${openTokens(connection.tokensCiphertext!, connection.tokenKeyId!).accessToken}`, "content-type": "application/x-www-form-urlencoded" },
    body: "paid_out_of_band=true",
  });
  expect(paid.status).toBe(200);
  expect(await pullConnection(state.connections.STRIPE, "INCREMENTAL")).toMatchObject({ error: null });
}

/** Open invoices held by all four systems, every chip open. */
async function openEverywhere(): Promise<string[]> {
  const invoices = await db().invoice.findMany({ where: { workspaceId: state.workspaceId }, select: { id: true, systems: true, providers: true }, orderBy: { id: "asc" } });
  return invoices.filter((i) => i.providers.length === 4 && (i.systems as Chip[]).every((c) => c.status === "OPEN")).map((i) => i.id);
}

const dueOf = async (id: string) => (await db().invoice.findUniqueOrThrow({ where: { id }, select: { syncDueAt: true } })).syncDueAt;

describe("reconciling an invoice", () => {
  it("records a payment made in Stripe once in each other system, and a second run writes nothing", async () => {
    const invoices = await db().invoice.findMany({ where: { workspaceId: state.workspaceId }, select: { id: true, systems: true, providers: true } });
    const target = invoices.find((i) => i.providers.length === 4 && (i.systems as Chip[]).every((c) => c.status === "OPEN"))!;
    expect(target).toBeTruthy();
    const stripeId = (target.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;
    const connection = await db().connection.findUniqueOrThrow({ where: { id: state.connections.STRIPE } });
    await new Promise((r) => setTimeout(r, 1_100)); // Stripe's clock has one-second resolution
    const paid = await fetch(`${sandboxes.STRIPE.server().url}/v1/invoices/${stripeId}/pay`, {
      method: "POST",
      headers: { authorization: `Bearer ${openTokens(connection.tokensCiphertext!, connection.tokenKeyId!).accessToken}`, "content-type": "application/x-www-form-urlencoded" },
      body: "paid_out_of_band=true",
    });
    expect(paid.status).toBe(200);
    expect(await pullConnection(state.connections.STRIPE, "INCREMENTAL")).toMatchObject({ error: null });

    const first = await reconcileInvoice(target.id);
    expect(first!.plan.conflicts).toEqual([]);
    expect(first!.outcomes.map((o) => [o.write.kind, o.ok, o.error])).toEqual(
      [state.connections.HUBSPOT, state.connections.QUICKBOOKS, state.connections.XERO].sort().map(() => ["record_payment", true, null]),
    );

    // Each system now shows the invoice paid, as pulled fresh from the sandboxes.
    for (const provider of ["QUICKBOOKS", "XERO", "HUBSPOT"] as const) expect(await pullConnection(state.connections[provider], "INCREMENTAL")).toMatchObject({ error: null });
    const after = await db().invoice.findUniqueOrThrow({ where: { id: target.id }, select: { status: true, disagreement: true, systems: true } });
    expect((after.systems as Chip[]).map((c) => c.status)).toEqual(["PAID", "PAID", "PAID", "PAID"]);
    expect(after).toMatchObject({ status: "PAID", disagreement: false });

    // One payment, seen by every system (the sandboxes' own payment records, pulled back).
    const payments = await db().payment.findMany({ where: { invoiceId: target.id }, select: { externalRecords: { select: { connectionId: true } } } });
    expect(payments).toHaveLength(1);
    expect(payments[0]!.externalRecords.map((r) => r.connectionId).sort()).toEqual(Object.values(state.connections).sort());

    // Again: nothing planned, nothing written; one payment per system in the audit trail.
    const second = await reconcileInvoice(target.id);
    expect(second!.plan.writes).toEqual([]);
    const pushes = await db().auditEntry.findMany({ where: { workspaceId: state.workspaceId, subjectId: target.id, action: "sync.push.record_payment" }, select: { connectionId: true } });
    expect(pushes.map((p) => p.connectionId).sort()).toEqual([state.connections.HUBSPOT, state.connections.QUICKBOOKS, state.connections.XERO].sort());
  });

  it("marks a pulled change due, keeps it due while writes are left, and settles it once nothing is", async () => {
    const [id] = await openEverywhere();
    await payInStripe(id!);
    expect(await dueOf(id!)).not.toBeNull();
    const planned = await planReconcile(id!);
    expect(planned!.plan.writes).toHaveLength(3);
    expect(await dueOf(id!)).not.toBeNull();
    await reconcileInvoice(id!);
    const settled = await planReconcile(id!);
    expect(settled!.plan.writes).toEqual([]);
    const after = await db().invoice.findUniqueOrThrow({ where: { id: id! }, select: { syncDueAt: true, syncedState: true } });
    expect(after.syncDueAt).toBeNull();
    // What every system showed then: the base for "changed on both sides" next time.
    expect(Object.values((after.syncedState as { targets: Record<string, { status: string }> }).targets).map((t) => t.status)).toEqual(["PAID", "PAID", "PAID", "PAID"]);
  });

  it("leaves a push that failed for good alone, shows it, and plans it again with the same key on Retry", async () => {
    const [id] = await openEverywhere();
    await payInStripe(id!);
    const planned = await planReconcile(id!);
    const xero = planned!.plan.writes.find((w) => w.connectionId === state.connections.XERO)!;
    await recordPushFailure({ invoiceId: id!, connectionId: xero.connectionId, idempotencyKey: xero.idempotencyKey, kind: xero.kind, error: "Xero: the organisation is locked" });
    const result = await reconcileInvoice(id!);
    expect(result!.outcomes.map((o) => o.write.connectionId).sort()).toEqual([state.connections.HUBSPOT, state.connections.QUICKBOOKS].sort());
    expect(result!.plan.skipped).toContainEqual({ connectionId: xero.connectionId, reason: "record payment failed; waiting for Retry" });
    // Nothing else to do: the to-do is settled, the failure stays visible.
    expect((await planReconcile(id!))!.plan.writes).toEqual([]);
    expect(await dueOf(id!)).toBeNull();
    const owner = await db().membership.findFirstOrThrow({ where: { workspaceId: state.workspaceId }, select: { userId: true, workspace: { select: { id: true, slug: true, name: true } } } });
    const ctx = (role: "OWNER" | "VIEWER"): WorkspaceContext => ({ workspace: owner.workspace, role, actor: { type: "USER", id: owner.userId, label: "owner" } });
    expect((await failedPushCounts(ctx("OWNER"))).get(xero.connectionId)).toEqual({ count: 1, lastError: "Xero: the organisation is locked" });
    await expect(retryFailedPushes(ctx("VIEWER"), xero.connectionId)).rejects.toMatchObject({ code: "forbidden" });
    // Retry hands the invoice to the sync engine (here in-process): the same write, with the same key, lands.
    expect(await retryFailedPushes(ctx("OWNER"), xero.connectionId)).toBe(1);
    expect((await failedPushCounts(ctx("OWNER"))).get(xero.connectionId)).toBeUndefined();
    const pushedToXero = () => db().auditEntry.findMany({ where: { subjectId: id!, connectionId: xero.connectionId, action: "sync.push.record_payment" }, select: { changes: true } });
    await expect.poll(async () => (await pushedToXero()).length, { timeout: 15_000 }).toBe(1);
    expect((await pushedToXero())[0]!.changes).toMatchObject({ idempotencyKey: xero.idempotencyKey });
    await expect.poll(() => dueOf(id!), { timeout: 15_000 }).toBeNull();
  });

  it("pauses pushes to a connection that needs reconnecting, and resumes them after Reconnect", async () => {
    const [id] = await openEverywhere();
    await db().connection.update({ where: { id: state.connections.HUBSPOT }, data: { status: "NEEDS_REAUTH" } });
    try {
      await payInStripe(id!);
      const first = await reconcileInvoice(id!);
      expect(first!.outcomes.map((o) => o.write.connectionId).sort()).toEqual([state.connections.QUICKBOOKS, state.connections.XERO].sort());
      await planReconcile(id!);
      // Parked, not forgotten: due again in an hour, or at once on Reconnect.
      expect((await dueOf(id!))!.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    } finally {
      await db().connection.update({ where: { id: state.connections.HUBSPOT }, data: { status: "ACTIVE" } });
    }
    expect(await resumeParkedInvoices(state.workspaceId)).toBe(1);
    // Handed to the sync engine (here in-process): HubSpot gets its one payment, and the to-do settles.
    const pushedToHubspot = () => db().auditEntry.count({ where: { subjectId: id!, connectionId: state.connections.HUBSPOT, action: "sync.push.record_payment" } });
    await expect.poll(pushedToHubspot, { timeout: 15_000 }).toBe(1);
    await expect.poll(() => dueOf(id!), { timeout: 15_000 }).toBeNull();
    expect(await pushedToHubspot()).toBe(1);
  });

  it("records a refund made in Stripe in QuickBooks and Xero once each, and leaves HubSpot (no refunds there) alone", async () => {
    const [id] = await openEverywhere();
    const invoice = await db().invoice.findUniqueOrThrow({ where: { id: id! }, select: { systems: true, totalMinor: true } });
    const stripeId = (invoice.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;
    const connection = await db().connection.findUniqueOrThrow({ where: { id: state.connections.STRIPE } });
    const url = new URL(sandboxes.STRIPE.server().url);
    const stripe = new Stripe(openTokens(connection.tokensCiphertext!, connection.tokenKeyId!).accessToken, { host: url.hostname, port: url.port, protocol: "http" });
    await new Promise((r) => setTimeout(r, 1_100)); // Stripe's clock has one-second resolution
    await stripe.invoices.pay(stripeId, { payment_method: "pm_card_visa" });
    expect(await pullConnection(state.connections.STRIPE, "INCREMENTAL")).toMatchObject({ error: null });
    await reconcileInvoice(id!);
    expect((await planReconcile(id!))!.plan.writes).toEqual([]);

    const [payment] = (await stripe.invoicePayments.list({ invoice: stripeId })).data;
    const refunded = invoice.totalMinor / 4n;
    await new Promise((r) => setTimeout(r, 1_100));
    await stripe.refunds.create({ payment_intent: payment!.payment.payment_intent as string, amount: Number(refunded) });
    expect(await pullConnection(state.connections.STRIPE, "INCREMENTAL")).toMatchObject({ error: null });
    const result = await reconcileInvoice(id!);
    expect(result!.outcomes.map((o) => [o.write.kind, o.write.connectionId, o.ok, o.error])).toEqual(
      [state.connections.QUICKBOOKS, state.connections.XERO].sort().map((c) => ["record_refund", c, true, null]),
    );
    expect((await planReconcile(id!))!.plan.writes).toEqual([]);
    // The refund, seen by Stripe, QuickBooks and Xero as one canonical refund (pulled back from the sandboxes too).
    for (const provider of ["QUICKBOOKS", "XERO"] as const) expect(await pullConnection(state.connections[provider], "INCREMENTAL")).toMatchObject({ error: null });
    const refunds = await db().payment.findMany({ where: { invoiceId: id!, kind: "REFUND" }, select: { amountMinor: true, externalRecords: { select: { connectionId: true } } } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.amountMinor).toBe(refunded);
    expect(new Set(refunds[0]!.externalRecords.map((r) => r.connectionId))).toEqual(new Set([state.connections.STRIPE, state.connections.QUICKBOOKS, state.connections.XERO]));
    expect((await reconcileInvoice(id!))!.outcomes).toEqual([]);
  });
});
