/**
 * Ingest from all four sandboxes into one workspace: the same business data seeded in each system
 * becomes one canonical invoice per invoice, linked across systems; a re-run changes nothing; a
 * record that arrives later links to the invoice it describes.
 */
import { describe, expect, it } from "vitest";
import { db } from "../../db";
import { openTokens } from "../../connections/tokens";
import { fourSystemsForTests } from "../../../test/four-systems";
import { pullConnection } from "../pull";

const INVOICES = 24;
const { sandboxes, providers: PROVIDERS, state } = fourSystemsForTests({ label: "Ingest", seed: 11, customers: 6, invoices: INVOICES, currencies: ["USD", "EUR", "JPY"] });

const invoices = () => db().invoice.findMany({ where: { workspaceId: state.workspaceId }, select: { id: true, number: true, providers: true, version: true, disagreement: true, systems: true, totalMinor: true, currency: true } });

describe("ingest from four systems", () => {
  it("links the same invoices across all four systems into one canonical invoice each", async () => {
    // All four at once: linking is serialized per workspace, so no invoice starts twice.
    const results = await Promise.all(PROVIDERS.map((p) => pullConnection(state.connections[p], "BACKFILL")));
    for (const result of results) expect(result.error).toBeNull();

    const all = await invoices();
    const records = await db().externalRecord.count({ where: { workspaceId: state.workspaceId, entityType: "INVOICE" } });
    expect(records).toBeGreaterThanOrEqual(INVOICES * 3);
    // Every record is linked, and each invoice is held by every system that has it once.
    expect(await db().externalRecord.count({ where: { workspaceId: state.workspaceId, entityType: "INVOICE", invoiceId: null } })).toBe(0);
    // One canonical invoice per seeded invoice; Xero turns a few of them into bills (not sales), so those are held by three systems.
    expect(all.length).toBe(INVOICES);
    for (const invoice of all) expect(invoice.providers.length).toBeGreaterThanOrEqual(3);
    expect(all.filter((i) => i.providers.length === 4).length).toBeGreaterThan(INVOICES / 2);
    // The same data in four systems, told four ways (drafts QuickBooks cannot hold, voids it zeroes): no disagreement.
    expect(all.filter((i) => i.disagreement)).toEqual([]);
    for (const invoice of all) {
      const systems = invoice.systems as { connectionId: string }[];
      expect(new Set(systems.map((s) => s.connectionId)).size).toBe(systems.length);
    }
    // Customers are one canonical customer each, not one per system.
    const customers = await db().customer.count({ where: { workspaceId: state.workspaceId } });
    expect(customers).toBeLessThanOrEqual(6);
    // Payments seen by several systems are one payment.
    const payments = await db().payment.count({ where: { workspaceId: state.workspaceId } });
    const paymentRecords = await db().externalRecord.count({ where: { workspaceId: state.workspaceId, entityType: "PAYMENT" } });
    expect(payments).toBeLessThan(paymentRecords);
  });

  it("changes nothing when run again", async () => {
    const before = await invoices();
    for (const provider of PROVIDERS) expect(await pullConnection(state.connections[provider], "BACKFILL")).toMatchObject({ inserted: 0, updated: 0, error: null });
    const after = await invoices();
    expect(after.map((i) => [i.id, i.version]).sort()).toEqual(before.map((i) => [i.id, i.version]).sort());
  });

  it("marks a disagreement when one system changes an invoice, and keeps the link", async () => {
    type Chip = { provider: string; externalId: string; status: string };
    const target = (await invoices()).find((i) => i.providers.length === 4 && !i.disagreement && (i.systems as Chip[]).every((c) => c.status === "OPEN"))!;
    expect(target).toBeTruthy();
    const stripe = (target.systems as Chip[]).find((s) => s.provider === "STRIPE")!;
    // Stripe's clock has one-second resolution: a change in the same second as the backfill's fetch
    // cannot be ordered after it (see lib/connectors/stripe/mappers.ts), so pay in the next second.
    await new Promise((r) => setTimeout(r, 1_100));
    // Paid in Stripe through its API, as a person would.
    const connection = await db().connection.findUniqueOrThrow({ where: { id: state.connections.STRIPE } });
    const token = openTokens(connection.tokensCiphertext!, connection.tokenKeyId!).accessToken;
    const paid = await fetch(`${sandboxes.STRIPE.server().url}/v1/invoices/${stripe.externalId}/pay`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "paid_out_of_band=true",
    });
    expect(paid.status).toBe(200);
    expect(await pullConnection(state.connections.STRIPE, "INCREMENTAL")).toMatchObject({ error: null, ingest: { paymentsCreated: 1 } });
    const after = await db().invoice.findUniqueOrThrow({ where: { id: target.id } });
    expect(after).toMatchObject({ version: target.version + 1, status: "PAID", disagreement: true });
    expect(await db().externalRecord.count({ where: { invoiceId: target.id } })).toBe(4);
  });
});
