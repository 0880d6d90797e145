/** Pulling from the QuickBooks sandbox: backfill, idempotent re-runs, incremental changes, versions, failures. */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { connectorFor } from "../connectors";
import type { ExternalInvoice } from "../connectors/types";
import { sealTokens } from "../connections/tokens";
import { makePerson } from "../../test/factories";
import { sandboxForTests } from "../../test/sandbox";
import { abandonRunningPulls, pullConnection } from "./pull";
import { upsertRecords } from "./records";

const { post } = sandboxForTests("quickbooks");

beforeAll(async () => {
  await post("/_sandbox/clock", { scale: 100 }); // rate-limit windows pass quickly
});

async function seededConnection(invoices: number) {
  const account = await post("/_sandbox/accounts", { name: "Pull Co" });
  const seeded = await post("/_sandbox/seed", { accountId: account.accountId, seed: 3, customers: 6, invoices, currencies: ["USD", "EUR"] });
  const owner = await makePerson("pull");
  const connection = await db().connection.create({
    data: {
      workspaceId: owner.workspace.id,
      provider: "QUICKBOOKS",
      externalAccountId: account.accountId,
      displayName: "Pull Co",
      ...sealTokens({ accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + 3_600_000, scope: null }),
    },
  });
  return { connection, account, seeded: seeded.created as Record<string, number> };
}

const count = (connectionId: string, entityType: "INVOICE" | "PAYMENT" | "CUSTOMER") => db().externalRecord.count({ where: { connectionId, entityType } });

describe("pulling a connection", () => {
  it("backfills everything, and running it again changes nothing", async () => {
    const { connection, seeded } = await seededConnection(40);
    const first = await pullConnection(connection.id);
    expect(first).toMatchObject({ kind: "BACKFILL", error: null });
    expect(await count(connection.id, "INVOICE")).toBe(seeded.Invoice);
    expect(await count(connection.id, "CUSTOMER")).toBe(seeded.Customer);
    expect(await count(connection.id, "PAYMENT")).toBe(seeded.Payment);
    const run = await db().syncRun.findUniqueOrThrow({ where: { id: first.runId } });
    expect(run).toMatchObject({ status: "SUCCEEDED", processed: first.processed });
    const after = await db().connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after.lastSyncedAt).not.toBeNull();
    expect((after.cursors as { changes?: string }).changes).toBeTruthy();

    const again = await pullConnection(connection.id, "BACKFILL");
    expect(again).toMatchObject({ inserted: 0, updated: 0, error: null });
  });

  it("picks up changes incrementally from the saved cursor", async () => {
    const { connection, account } = await seededConnection(5);
    await pullConnection(connection.id);
    const client = connectorFor("quickbooks").client({ accountId: account.accountId, accessToken: async () => account.accessToken, connectionKey: `pull-${account.accountId}` });
    const invoice = await client.createInvoice(
      { concordId: "inv_pull", number: null, customer: { externalId: null, name: "Incremental Ltd", email: null }, currency: "USD", issueDate: "2026-11-02", dueDate: "2026-12-02", memo: null, lines: [{ description: "Audit", quantity: "1", unitAmountMinor: 50_000n }] },
      { idempotencyKey: "pull-inc-1" },
    );
    await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 20_000n, currency: "USD", paidOn: "2026-11-10", reference: null }, { idempotencyKey: "pull-inc-2" });
    const incremental = await pullConnection(connection.id);
    expect(incremental.kind).toBe("INCREMENTAL");
    expect(incremental.error).toBeNull();
    const stored = await db().externalRecord.findUniqueOrThrow({ where: { connectionId_entityType_externalId: { connectionId: connection.id, entityType: "INVOICE", externalId: invoice.externalId } } });
    expect(stored.snapshot).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: "20000", crossReference: "inv_pull" });
    expect(await count(connection.id, "PAYMENT")).toBeGreaterThan(0);
  });

  it("never lets an older version overwrite a newer one", async () => {
    const { connection } = await seededConnection(2);
    await pullConnection(connection.id);
    const row = await db().externalRecord.findFirstOrThrow({ where: { connectionId: connection.id, entityType: "INVOICE" } });
    const scope = { workspaceId: connection.workspaceId, connectionId: connection.id };
    const base = { ...(row.snapshot as unknown as ExternalInvoice), updatedAt: new Date(), raw: {}, totalMinor: 100n, amountPaidMinor: 0n, amountDueMinor: 100n };
    const newer = { ...base, version: "000000000009", memo: "the newest copy" };
    const older = { ...base, version: "000000000008", memo: "an older copy" };
    expect(await upsertRecords(scope, [{ entity: "invoice", record: newer }])).toMatchObject({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await upsertRecords(scope, [{ entity: "invoice", record: older }])).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, changedIds: [] });
    expect(await upsertRecords(scope, [{ entity: "invoice", record: newer }])).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, changedIds: [] });
    const stored = await db().externalRecord.findUniqueOrThrow({ where: { id: row.id } });
    expect(stored).toMatchObject({ providerVersion: "000000000009", snapshot: { memo: "the newest copy" } });
  });

  it("refuses a second pull while one runs, and takes over from a run a stopped process left behind", async () => {
    const { connection } = await seededConnection(3);
    const live = await db().syncRun.create({ data: { workspaceId: connection.workspaceId, connectionId: connection.id, kind: "INCREMENTAL", status: "RUNNING", startedAt: new Date() } });
    await expect(pullConnection(connection.id)).rejects.toThrow(/already running/);
    // Quiet for two minutes: its process is gone.
    await db().$executeRaw`UPDATE "SyncRun" SET "updatedAt" = now() - interval '2 minutes' WHERE id = ${live.id}`;
    expect(await pullConnection(connection.id)).toMatchObject({ error: null });
    expect(await db().syncRun.findUniqueOrThrow({ where: { id: live.id } })).toMatchObject({ status: "FAILED", error: expect.stringContaining("Abandoned") });
    // At start-up with the embedded executor, every run left RUNNING is abandoned at once.
    const left = await db().syncRun.create({ data: { workspaceId: connection.workspaceId, connectionId: connection.id, kind: "INCREMENTAL", status: "RUNNING", startedAt: new Date() } });
    expect(await abandonRunningPulls([connection.id])).toBe(1);
    expect((await db().syncRun.findUniqueOrThrow({ where: { id: left.id } })).status).toBe("FAILED");
  });

  it("records a failure in words and keeps the cursor", async () => {
    const { connection } = await seededConnection(2);
    await pullConnection(connection.id);
    const before = (await db().connection.findUniqueOrThrow({ where: { id: connection.id } })).cursors;
    await post("/_sandbox/faults", { errorRate: 1 });
    try {
      const failed = await pullConnection(connection.id);
      expect(failed.error).toMatch(/QuickBooks Online could not be reached or had an error/);
      const after = await db().connection.findUniqueOrThrow({ where: { id: connection.id } });
      expect(after.lastError).toBe(failed.error);
      expect(after.cursors).toEqual(before);
      expect((await db().syncRun.findUniqueOrThrow({ where: { id: failed.runId } })).status).toBe("FAILED");
    } finally {
      await post("/_sandbox/faults", { errorRate: 0 });
    }
  });
});
