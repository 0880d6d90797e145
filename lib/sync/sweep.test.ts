import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { makePerson } from "../../test/factories";
import { MAX_DELIVERY_ATTEMPTS, planSweep } from "./sweep";
import { failedDeliveryCounts, retryFailedDeliveries } from "../webhooks/failed";
import { contextOf, type Person } from "../../test/factories";

const now = new Date("2026-11-21T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
let active: string;
let fresh: string;
let paused: string;
let owner: Person;
const ids: Record<string, string> = {};

beforeAll(async () => {
  owner = await makePerson("sweep");
  const connection = (provider: "STRIPE" | "XERO" | "HUBSPOT", data: object) =>
    db().connection.create({ data: { workspaceId: owner.workspace.id, provider, externalAccountId: `acct-${randomUUID()}`, displayName: provider, ...data } });
  active = (await connection("STRIPE", { cursors: { changes: "evt_1" }, tokenExpiresAt: new Date(now.getTime() + 5 * 60_000) })).id;
  fresh = (await connection("XERO", { tokenExpiresAt: new Date(now.getTime() + 60 * 60_000) })).id;
  paused = (await connection("HUBSPOT", { status: "NEEDS_REAUTH", cursors: { changes: "1" } })).id;
  const delivery = async (name: string, connectionId: string, status: "RECEIVED" | "PROCESSING" | "PROCESSED" | "FAILED", receivedAt: Date, attempts = 0) => {
    ids[name] = (
      await db().webhookDelivery.create({
        data: { provider: "STRIPE", accountId: "a", eventId: `evt_${randomUUID()}`, routedTo: connectionId, eventType: "x", rawBody: "{}", status, attempts, receivedAt, connectionId, workspaceId: owner.workspace.id },
      })
    ).id;
  };
  await delivery("missed", active, "RECEIVED", minutesAgo(5));
  await delivery("justArrived", active, "RECEIVED", minutesAgo(0));
  await delivery("stuck", active, "PROCESSING", minutesAgo(30));
  await delivery("inFlight", active, "PROCESSING", minutesAgo(1));
  await delivery("retry", active, "FAILED", minutesAgo(10), 2);
  await delivery("exhausted", active, "FAILED", minutesAgo(10), MAX_DELIVERY_ATTEMPTS);
  await delivery("done", active, "PROCESSED", minutesAgo(10), 1);
  await delivery("pausedConnection", paused, "RECEIVED", minutesAgo(10));
  const invoice = async (name: string, syncDueAt: Date | null) => {
    ids[name] = (await db().invoice.create({ data: { workspaceId: owner.workspace.id, currency: "USD", totalMinor: 100n, amountDueMinor: 100n, status: "OPEN", syncDueAt } })).id;
  };
  await invoice("dueLongAgo", minutesAgo(5));
  await invoice("dueJustNow", minutesAgo(0));
  await invoice("parked", new Date(now.getTime() + 60 * 60_000));
  await invoice("settled", null);
});

describe("the sweep", () => {
  it("pulls every active connection, backfilling those that never finished", async () => {
    const plan = await planSweep(now);
    const mine = plan.pulls.filter((p) => [active, fresh, paused].includes(p.connectionId));
    expect(mine).toEqual(expect.arrayContaining([{ connectionId: active, kind: "INCREMENTAL" }, { connectionId: fresh, kind: "BACKFILL" }]));
    expect(mine.some((p) => p.connectionId === paused)).toBe(false);
  });

  it("re-drives missed, stuck and failed deliveries, leaving in-flight, done and exhausted ones", async () => {
    const plan = await planSweep(now);
    const mine = (name: string) => plan.deliveries.some((d) => d.deliveryId === ids[name]);
    expect(["missed", "stuck", "retry"].filter(mine)).toEqual(["missed", "stuck", "retry"]);
    expect(["justArrived", "inFlight", "exhausted", "done", "pausedConnection"].filter(mine)).toEqual([]);
  });

  it("reconciles invoices whose changes have not reached the other systems, after a grace period", async () => {
    const plan = await planSweep(now);
    const mine = (name: string) => plan.reconciles.includes(ids[name]!);
    expect(["dueLongAgo", "dueJustNow", "parked", "settled"].filter(mine)).toEqual(["dueLongAgo"]);
  });

  it("on recovery (the app just started), takes everything left undone at once, without grace", async () => {
    const plan = await planSweep(now, { recover: true });
    expect(["dueLongAgo", "dueJustNow", "parked", "settled"].filter((name) => plan.reconciles.includes(ids[name]!))).toEqual(["dueLongAgo", "dueJustNow"]);
    const deliveries = ["missed", "justArrived", "stuck", "inFlight", "retry", "exhausted", "done"].filter((name) => plan.deliveries.some((d) => d.deliveryId === ids[name]));
    expect(deliveries).toEqual(["missed", "justArrived", "stuck", "inFlight", "retry"]);
  });

  it("refreshes tokens that are about to expire", async () => {
    const plan = await planSweep(now);
    expect(plan.refreshes).toContain(active);
    expect(plan.refreshes).not.toContain(fresh);
  });

  it("shows exhausted deliveries, and puts them back in the queue when a person retries", async () => {
    expect((await failedDeliveryCounts(contextOf(owner))).get(active)).toMatchObject({ count: 1 });
    await expect(retryFailedDeliveries(contextOf(owner, "VIEWER"), active)).rejects.toMatchObject({ code: "forbidden" });
    expect(await retryFailedDeliveries(contextOf(owner), active)).toBe(1);
    // Back in the queue with its attempts reset (its processing may already have started).
    expect((await db().webhookDelivery.findUniqueOrThrow({ where: { id: ids.exhausted! } })).attempts).toBeLessThan(MAX_DELIVERY_ATTEMPTS);
    expect(await retryFailedDeliveries(contextOf(owner), active)).toBe(0);
    expect((await failedDeliveryCounts(contextOf(owner))).get(active)).toBeUndefined();
  });
});
