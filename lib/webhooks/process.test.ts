/** Processing stored deliveries against the Stripe sandbox: fetch fresh, store, link; once each. */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { sealTokens } from "../connections/tokens";
import { makePerson } from "../../test/factories";
import { sandboxForTests } from "../../test/sandbox";
import { pullConnection } from "../sync/pull";
import { processDelivery } from "./process";

const stripe = sandboxForTests("stripe");
let connection: { id: string; workspaceId: string; externalAccountId: string };
let token: string;

beforeAll(async () => {
  const account = await stripe.post("/_sandbox/accounts", { name: "Hooks Co", live: true });
  await stripe.post("/_sandbox/seed", { accountId: account.accountId, seed: 5, customers: 3, invoices: 12, currencies: ["USD"] });
  const owner = await makePerson("hooks");
  token = account.accessToken;
  connection = await db().connection.create({
    data: { workspaceId: owner.workspace.id, provider: "STRIPE", externalAccountId: account.accountId, displayName: "Hooks Co", ...sealTokens({ accessToken: token, refreshToken: account.refreshToken, expiresAt: Date.now() + 3_600_000, scope: null }) },
  });
  expect(await pullConnection(connection.id, "BACKFILL")).toMatchObject({ error: null });
});

let n = 0;
const deliver = (hints: { entity: string; externalId: string; deleted: boolean }[]) =>
  db().webhookDelivery.create({
    data: { provider: "STRIPE", accountId: connection.externalAccountId, eventId: `evt_test_${++n}`, routedTo: connection.id, eventType: "invoice.paid", hints, rawBody: "{}", connectionId: connection.id, workspaceId: connection.workspaceId },
  });

describe("processing a webhook delivery", () => {
  it("fetches the named invoice fresh, links it, and marks the delivery processed once", async () => {
    const open = await db().invoice.findFirstOrThrow({ where: { workspaceId: connection.workspaceId, status: "OPEN" }, select: { id: true, version: true, externalRecords: { select: { externalId: true } } } });
    const externalId = open.externalRecords[0]!.externalId;
    await new Promise((r) => setTimeout(r, 1_100)); // past the backfill's second (Stripe's one-second clock)
    const paid = await fetch(`${stripe.server().url}/v1/invoices/${externalId}/pay`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" }, body: "paid_out_of_band=true" });
    expect(paid.status).toBe(200);

    const delivery = await deliver([{ entity: "invoice", externalId, deleted: false }]);
    const outcome = await processDelivery(delivery.id);
    expect(outcome).toMatchObject({ status: "PROCESSED", fetched: 1, invoiceIds: [open.id] });
    expect(await db().invoice.findUniqueOrThrow({ where: { id: open.id } })).toMatchObject({ status: "PAID", version: open.version + 1 });
    expect(await db().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "PROCESSED", attempts: 1 });

    // The same delivery again, and a duplicate event naming the same invoice: nothing changes.
    expect(await processDelivery(delivery.id)).toMatchObject({ status: "ALREADY_DONE" });
    const duplicate = await processDelivery((await deliver([{ entity: "invoice", externalId, deleted: false }])).id);
    expect(duplicate).toMatchObject({ status: "PROCESSED", ingest: { invoicesChanged: 0, invoicesCreated: 0 } });
    expect(await db().invoice.findUniqueOrThrow({ where: { id: open.id } })).toMatchObject({ status: "PAID", version: open.version + 1 });
  });

  it("records a failure on the delivery and lets the caller retry", async () => {
    await stripe.post("/_sandbox/faults", { errorRate: 1, paths: ["/v1/invoices"] });
    const delivery = await deliver([{ entity: "invoice", externalId: "in_missing", deleted: false }]);
    try {
      await expect(processDelivery(delivery.id)).rejects.toThrow();
      expect(await db().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "FAILED", attempts: 1 });
    } finally {
      await stripe.post("/_sandbox/faults", { errorRate: 0 });
    }
    // Once the provider answers again, the retry completes (an unknown invoice is simply not stored).
    expect(await processDelivery(delivery.id)).toMatchObject({ status: "PROCESSED", fetched: 1 });
    expect(await db().webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({ status: "PROCESSED", attempts: 2 });
  });
});
