/**
 * Reconciling against the four sandboxes: an invoice paid in Stripe becomes paid in QuickBooks,
 * Xero and HubSpot, with exactly one payment each, and running it again writes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { openTokens } from "../../connections/tokens";
import { fourSystemsForTests } from "../../../test/four-systems";
import { pullConnection } from "../pull";
import { reconcileInvoice } from "./reconcile";

const { sandboxes, providers: PROVIDERS, state } = fourSystemsForTests({ label: "Reconcile", seed: 21, customers: 5, invoices: 16, currencies: ["USD", "EUR"], live: true });

beforeAll(async () => {
  await Promise.all(PROVIDERS.map((p) => pullConnection(state.connections[p], "BACKFILL")));
}, 120_000);

type Chip = { provider: string; externalId: string; status: string };

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
});
