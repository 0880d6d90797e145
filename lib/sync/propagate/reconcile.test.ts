/**
 * Reconciling against the four sandboxes: an invoice paid in Stripe becomes paid in QuickBooks,
 * Xero and HubSpot, with exactly one payment each, and running it again writes nothing.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import type { Provider } from "../../db";
import { openTokens, sealTokens } from "../../connections/tokens";
import { makePerson } from "../../../test/factories";
import { sandboxForTests, type TestSandbox } from "../../../test/sandbox";
import { pullConnection } from "../pull";
import { reconcileInvoice } from "./reconcile";

const sandboxes: Record<Provider, TestSandbox> = {
  STRIPE: sandboxForTests("stripe"),
  QUICKBOOKS: sandboxForTests("quickbooks"),
  XERO: sandboxForTests("xero"),
  HUBSPOT: sandboxForTests("hubspot"),
};
const PROVIDERS = Object.keys(sandboxes) as Provider[];
let workspaceId: string;
const connections = {} as Record<Provider, string>;

beforeAll(async () => {
  const owner = await makePerson("reconcile");
  workspaceId = owner.workspace.id;
  for (const provider of PROVIDERS) {
    const { post } = sandboxes[provider];
    await post("/_sandbox/clock", { scale: 100 });
    const account = await post("/_sandbox/accounts", { name: `Reconcile ${provider}`, live: true });
    await post("/_sandbox/seed", { accountId: account.accountId, seed: 21, customers: 5, invoices: 16, currencies: ["USD", "EUR"] });
    const connection = await db().connection.create({
      data: {
        workspaceId,
        provider,
        externalAccountId: account.accountId,
        displayName: provider,
        ...sealTokens({ accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + 3_600_000, scope: null }),
      },
    });
    connections[provider] = connection.id;
  }
  await Promise.all(PROVIDERS.map((p) => pullConnection(connections[p], "BACKFILL")));
}, 120_000);

type Chip = { provider: string; externalId: string; status: string };

describe("reconciling an invoice", () => {
  it("records a payment made in Stripe once in each other system, and a second run writes nothing", async () => {
    const invoices = await db().invoice.findMany({ where: { workspaceId }, select: { id: true, systems: true, providers: true } });
    const target = invoices.find((i) => i.providers.length === 4 && (i.systems as Chip[]).every((c) => c.status === "OPEN"))!;
    expect(target).toBeTruthy();
    const stripeId = (target.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;
    const connection = await db().connection.findUniqueOrThrow({ where: { id: connections.STRIPE } });
    await new Promise((r) => setTimeout(r, 1_100)); // Stripe's clock has one-second resolution
    const paid = await fetch(`${sandboxes.STRIPE.server().url}/v1/invoices/${stripeId}/pay`, {
      method: "POST",
      headers: { authorization: `Bearer ${openTokens(connection.tokensCiphertext!, connection.tokenKeyId!).accessToken}`, "content-type": "application/x-www-form-urlencoded" },
      body: "paid_out_of_band=true",
    });
    expect(paid.status).toBe(200);
    expect(await pullConnection(connections.STRIPE, "INCREMENTAL")).toMatchObject({ error: null });

    const first = await reconcileInvoice(target.id);
    expect(first!.plan.conflicts).toEqual([]);
    expect(first!.outcomes.map((o) => [o.write.kind, o.ok, o.error])).toEqual(
      [connections.HUBSPOT, connections.QUICKBOOKS, connections.XERO].sort().map(() => ["record_payment", true, null]),
    );

    // Each system now shows the invoice paid, as pulled fresh from the sandboxes.
    for (const provider of ["QUICKBOOKS", "XERO", "HUBSPOT"] as const) expect(await pullConnection(connections[provider], "INCREMENTAL")).toMatchObject({ error: null });
    const after = await db().invoice.findUniqueOrThrow({ where: { id: target.id }, select: { status: true, disagreement: true, systems: true } });
    expect((after.systems as Chip[]).map((c) => c.status)).toEqual(["PAID", "PAID", "PAID", "PAID"]);
    expect(after).toMatchObject({ status: "PAID", disagreement: false });

    // One payment, seen by every system (the sandboxes' own payment records, pulled back).
    const payments = await db().payment.findMany({ where: { invoiceId: target.id }, select: { externalRecords: { select: { connectionId: true } } } });
    expect(payments).toHaveLength(1);
    expect(payments[0]!.externalRecords.map((r) => r.connectionId).sort()).toEqual(Object.values(connections).sort());

    // Again: nothing planned, nothing written; one payment per system in the audit trail.
    const second = await reconcileInvoice(target.id);
    expect(second!.plan.writes).toEqual([]);
    const pushes = await db().auditEntry.findMany({ where: { workspaceId, subjectId: target.id, action: "sync.push.record_payment" }, select: { connectionId: true } });
    expect(pushes.map((p) => p.connectionId).sort()).toEqual([connections.HUBSPOT, connections.QUICKBOOKS, connections.XERO].sort());
  });
});
