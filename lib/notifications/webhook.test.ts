/**
 * The outgoing webhook against a real HTTP receiver: signed as documented (checked here with our
 * own verification, as a receiver would), each conflict sent once across ticks, a failed batch
 * retried with the same event id without moving the cursor, URLs refused, secrets sealed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makePerson, makeTeam, type Person } from "../../test/factories";
import { makeConflict, makeInvoice } from "../../test/notifications";
import { saveWebhookAction } from "../../app/w/[workspace]/settings/notifications/actions";
import { conflictHorizon, SETTLE_SECONDS } from "./conflicts";
import { webhookUrlSchema, type WebhookBody } from "./schemas";
import { removeWebhook, rotateWebhookSecret, setWebhookUrl } from "./settings";
import { readNotifications } from "./store";
import { deliverWebhook, retryDelayMs, sendTestEvent } from "./webhook";

type Received = { headers: IncomingHttpHeaders; raw: string; body: WebhookBody };

/** A receiver: records every request, answers with `answer()` (status, optional delay). */
class Receiver {
  received: Received[] = [];
  answer: () => { status: number; delayMs?: number } = () => ({ status: 200 });
  private server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      this.received.push({ headers: req.headers, raw, body: JSON.parse(raw) as WebhookBody });
      const { status, delayMs } = this.answer();
      setTimeout(() => res.writeHead(status, { "content-type": "text/plain" }).end("ok"), delayMs ?? 0);
    });
  });
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/concord`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What a receiver does with the Concord-Signature header: our own check, independent of lib. */
function verify(header: string | undefined, raw: string, secret: string, toleranceSeconds = 300): boolean {
  if (!header) return false;
  const parts = header.split(",").map((p) => p.split("=") as [string, string]);
  const t = Number(parts.find(([k]) => k === "t")?.[1]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${t}.${raw}`).digest();
  return parts.filter(([k]) => k === "v1").some(([, v]) => {
    const given = Buffer.from(v, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const farHorizon = () => Promise.resolve(new Date(Date.now() + 3_600_000));
const receiver = new Receiver();
let url: string;

beforeAll(async () => {
  url = await receiver.start();
});
afterAll(() => receiver.stop());
beforeEach(() => {
  receiver.received = [];
  receiver.answer = () => ({ status: 200 });
});

async function withWebhook(): Promise<{ owner: Person; workspaceId: string; secret: string }> {
  const owner = await makePerson("hooked");
  const { secret } = await setWebhookUrl(contextOf(owner), url);
  return { owner, workspaceId: owner.workspace.id, secret: secret! };
}

describe("webhook delivery", () => {
  it("POSTs new conflicts signed with the secret, each once across ticks, and only the workspace's", async () => {
    const { owner, workspaceId, secret } = await withWebhook();
    const invoice = await makeInvoice(workspaceId, "INV-0042");
    const at = (s: number) => new Date(Date.now() + s * 1_000);
    const a = await makeConflict(workspaceId, { invoiceId: invoice.id, kind: "AMOUNT", field: "totalMinor", createdAt: at(1) });
    const b = await makeConflict(workspaceId, { invoiceId: invoice.id, kind: "STATUS", field: "status", createdAt: at(2) });
    const other = await makePerson("neighbour");
    await makeConflict(other.workspace.id);

    expect(await deliverWebhook(workspaceId, { horizon: farHorizon })).toMatchObject({ state: "idle", batches: 1, delivered: 2 });
    expect(receiver.received).toHaveLength(1);
    const [first] = receiver.received;
    expect(verify(first!.headers["concord-signature"] as string, first!.raw, secret)).toBe(true);
    expect(verify(first!.headers["concord-signature"] as string, first!.raw, "whsec_wrong")).toBe(false);
    expect(verify(first!.headers["concord-signature"] as string, `${first!.raw} `, secret)).toBe(false);
    expect(first!.headers["concord-event-id"]).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(first!.headers["content-type"]).toBe("application/json");
    expect(first!.body).toEqual({
      type: "conflicts.opened",
      workspace: owner.workspace.slug,
      conflicts: [
        { id: a.id, kind: "AMOUNT", field: "totalMinor", invoiceId: invoice.id, invoiceNumber: "INV-0042", createdAt: a.createdAt.toISOString() },
        { id: b.id, kind: "STATUS", field: "status", invoiceId: invoice.id, invoiceNumber: "INV-0042", createdAt: b.createdAt.toISOString() },
      ],
      sentAt: expect.any(String),
    });

    expect(await deliverWebhook(workspaceId, { horizon: farHorizon })).toMatchObject({ state: "idle", batches: 0 });
    expect(receiver.received).toHaveLength(1);

    const c = await makeConflict(workspaceId, { invoiceId: null, kind: "MISSING", field: null, createdAt: at(3) });
    await deliverWebhook(workspaceId, { horizon: farHorizon });
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.body.conflicts).toEqual([{ id: c.id, kind: "MISSING", field: null, invoiceId: null, invoiceNumber: null, createdAt: c.createdAt.toISOString() }]);
    expect(receiver.received[1]!.headers["concord-event-id"]).not.toBe(first!.headers["concord-event-id"]);

    const state = (await readNotifications(workspaceId)).webhook!;
    expect(state.cursor).toEqual({ at: c.createdAt.toISOString(), id: c.id });
    expect(state.pending).toBeNull();
    expect(state.lastDelivery).toMatchObject({ ok: true, status: 200, conflicts: 1, test: false });
  });

  it("starts from the moment it is added: conflicts opened before are not sent", async () => {
    const owner = await makePerson("late");
    await makeConflict(owner.workspace.id, { createdAt: new Date(Date.now() - 60_000) });
    await setWebhookUrl(contextOf(owner), url);
    expect(await deliverWebhook(owner.workspace.id, { horizon: farHorizon })).toMatchObject({ state: "idle", batches: 0 });
    expect(receiver.received).toHaveLength(0);
  });

  it("sends a backlog in batches, each under its own event id, and stops at the horizon", async () => {
    const { workspaceId } = await withWebhook();
    const base = Date.now() + 1_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await makeConflict(workspaceId, { createdAt: new Date(base + i * 1_000) })).id);
    // The horizon falls between the 4th and the 5th.
    const horizon = () => Promise.resolve(new Date(base + 3_500));
    expect(await deliverWebhook(workspaceId, { horizon, batchSize: 2 })).toMatchObject({ state: "idle", batches: 2, delivered: 4 });
    expect(receiver.received.map((r) => r.body.conflicts.map((c) => c.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4)]);
    expect(new Set(receiver.received.map((r) => r.headers["concord-event-id"])).size).toBe(2);
    await deliverWebhook(workspaceId, { horizon: farHorizon, batchSize: 2 });
    expect(receiver.received.map((r) => r.body.conflicts.map((c) => c.id))).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4)]);
  });

  it("retries a batch the receiver refused with the same event id and conflicts, and moves the cursor only after a 2xx", async () => {
    const { workspaceId } = await withWebhook();
    const a = await makeConflict(workspaceId);
    const cursorBefore = (await readNotifications(workspaceId)).webhook!.cursor;
    const t0 = new Date();
    receiver.answer = () => ({ status: 500 });

    expect(await deliverWebhook(workspaceId, { horizon: farHorizon, now: () => t0 })).toMatchObject({ state: "failed", batches: 1, delivered: 0 });
    let state = (await readNotifications(workspaceId)).webhook!;
    expect(state.cursor).toEqual(cursorBefore);
    expect(state.pending).toMatchObject({ conflictIds: [a.id], attempts: 1, leaseUntil: null });
    expect(state.lastDelivery).toMatchObject({ ok: false, status: 500, error: "Answered HTTP 500" });
    const failure = await db().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "notifications.webhook.failed" } });
    expect(failure.changes).toMatchObject({ status: 500, attempts: 1, conflicts: 1, eventId: state.pending!.eventId });

    // A conflict opened meanwhile waits for the next batch: the retried one is exactly the first.
    const b = await makeConflict(workspaceId);
    // Before the retry is due, nothing is sent.
    expect(await deliverWebhook(workspaceId, { horizon: farHorizon, now: () => new Date(t0.getTime() + 10_000) })).toMatchObject({ state: "waiting" });
    expect(receiver.received).toHaveLength(1);

    receiver.answer = () => ({ status: 204 });
    const t1 = new Date(t0.getTime() + 60_000);
    expect(await deliverWebhook(workspaceId, { horizon: farHorizon, now: () => t1 })).toMatchObject({ state: "idle", batches: 2, delivered: 2 });
    const [failed, retried, next] = receiver.received;
    expect(retried!.headers["concord-event-id"]).toBe(failed!.headers["concord-event-id"]);
    expect(retried!.body.conflicts).toEqual(failed!.body.conflicts);
    expect(next!.body.conflicts.map((c) => c.id)).toEqual([b.id]);
    state = (await readNotifications(workspaceId)).webhook!;
    expect(state.cursor.id).toBe(b.id);
    expect(state.pending).toBeNull();
  });

  it("treats no answer within the timeout as a failure, and backs off up to an hour", async () => {
    const { workspaceId } = await withWebhook();
    await makeConflict(workspaceId);
    receiver.answer = () => ({ status: 200, delayMs: 1_000 });
    expect(await deliverWebhook(workspaceId, { horizon: farHorizon, timeoutMs: 200 })).toMatchObject({ state: "failed" });
    expect((await readNotifications(workspaceId)).webhook!.lastDelivery).toMatchObject({ ok: false, status: null, error: "No answer within 0.2 s" });
    expect([1, 2, 3, 7, 20].map((n) => Math.round(retryDelayMs(n) / 60_000))).toEqual([1, 2, 4, 60, 60]);
  });

  it("records a refused connection", async () => {
    const owner = await makePerson("refused");
    // A port that was just free: nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await setWebhookUrl(contextOf(owner), `http://127.0.0.1:${port}/nothing-listens`);
    await makeConflict(owner.workspace.id);
    expect(await deliverWebhook(owner.workspace.id, { horizon: farHorizon })).toMatchObject({ state: "failed" });
    expect((await readNotifications(owner.workspace.id)).webhook!.lastDelivery).toMatchObject({ ok: false, status: null, error: "Could not connect (ECONNREFUSED)" });
  });

  it("two senders at once deliver a batch once", async () => {
    const { workspaceId } = await withWebhook();
    await makeConflict(workspaceId);
    receiver.answer = () => ({ status: 200, delayMs: 300 });
    const outcomes = await Promise.all([deliverWebhook(workspaceId, { horizon: farHorizon }), deliverWebhook(workspaceId, { horizon: farHorizon })]);
    expect(receiver.received).toHaveLength(1);
    expect(outcomes.map((o) => o.delivered).sort()).toEqual([0, 1]);
  });

  it("signs with both secrets for a day after a rotation, and keeps secrets sealed at rest", async () => {
    const { owner, workspaceId, secret: old } = await withWebhook();
    const { secret } = await rotateWebhookSecret(contextOf(owner));
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const result = await sendTestEvent(contextOf(owner));
    expect(result).toMatchObject({ ok: true, status: 200, test: true });
    const [test] = receiver.received;
    expect(test!.body).toEqual({ type: "test", workspace: owner.workspace.slug, conflicts: [], sentAt: expect.any(String) });
    const header = test!.headers["concord-signature"] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(verify(header, test!.raw, secret)).toBe(true);
    expect(verify(header, test!.raw, old)).toBe(true);
    const raw = JSON.stringify((await db().workspace.findUniqueOrThrow({ where: { id: workspaceId } })).settings);
    expect(raw).not.toContain(secret);
    expect(raw).not.toContain(old);
    const actions = (await db().auditEntry.findMany({ where: { workspaceId, action: { startsWith: "notifications." } }, orderBy: { id: "asc" } })).map((e) => e.action);
    expect(actions).toEqual(["notifications.webhook.added", "notifications.webhook.secret_rotated"]);
  });

  it("is gone once removed: nothing more is sent", async () => {
    const { owner, workspaceId } = await withWebhook();
    await makeConflict(workspaceId);
    await removeWebhook(contextOf(owner));
    expect(await deliverWebhook(workspaceId, { horizon: farHorizon })).toMatchObject({ state: "none" });
    expect(receiver.received).toHaveLength(0);
    expect((await readNotifications(workspaceId)).webhook).toBeUndefined();
  });
});

describe("webhook URL", () => {
  it("accepts https anywhere and http only on this machine", () => {
    for (const ok of ["https://example.com/hooks", "https://hooks.example.com:8443/a?b=c", "http://localhost:3000/x", "http://127.0.0.1:9/x", "http://[::1]/x"]) {
      expect(webhookUrlSchema.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ["", "example.com/hooks", "http://example.com/hooks", "ftp://example.com/x", "javascript:alert(1)", "https://user:pw@example.com/x", `https://example.com/${"a".repeat(2_000)}`]) {
      expect(webhookUrlSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("is refused by the action with a field error, and nothing is stored", async () => {
    const team = await makeTeam();
    const result = await saveWebhookAction.run(team.people.OWNER, { workspace: team.workspace.slug, url: "http://example.com/hooks" });
    expect(result).toMatchObject({ ok: false, error: { code: "unprocessable", fields: { url: [expect.stringContaining("https://")] } } });
    expect((await readNotifications(team.workspace.id)).webhook).toBeUndefined();
    const forbidden = await saveWebhookAction.run(team.people.MEMBER, { workspace: team.workspace.slug, url: "https://example.com/hooks" });
    expect(forbidden).toMatchObject({ ok: false, error: { code: "forbidden" } });
  });

  it("audits adding, changing and removing it, with the query string left out", async () => {
    const owner = await makePerson("audited");
    const ctx = contextOf(owner);
    const added = await setWebhookUrl(ctx, "https://example.com/a?token=s3cret");
    expect(added.secret).toMatch(/^whsec_/);
    expect(await setWebhookUrl(ctx, "https://example.com/a?token=s3cret")).toEqual({ changed: false, secret: null });
    expect(await setWebhookUrl(ctx, "https://example.com/b")).toEqual({ changed: true, secret: null });
    await removeWebhook(ctx);
    const entries = await db().auditEntry.findMany({ where: { workspaceId: owner.workspace.id, action: { startsWith: "notifications." } }, orderBy: { id: "asc" } });
    expect(entries.map((e) => [e.action, e.changes])).toEqual([
      ["notifications.webhook.added", { url: { old: null, new: "https://example.com/a?…" } }],
      ["notifications.webhook.changed", { url: { old: "https://example.com/a?…", new: "https://example.com/b" } }],
      ["notifications.webhook.removed", { url: { old: "https://example.com/b", new: null }, undelivered: 0 }],
    ]);
    expect(JSON.stringify(entries.map((e) => e.changes))).not.toContain("s3cret");
  });
});

describe("the horizon", () => {
  it("stays behind the oldest open transaction, and a few seconds behind the clock", async () => {
    const before = Date.now();
    expect((await conflictHorizon()).getTime()).toBeLessThanOrEqual(before - SETTLE_SECONDS * 1_000 + 50);
    await db().$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ started: Date }[]>`SELECT now() AS started`;
      const started = row!.started;
      await new Promise((r) => setTimeout(r, 50));
      const horizon = await conflictHorizon();
      expect(horizon.getTime()).toBeLessThanOrEqual(new Date(started).getTime() - SETTLE_SECONDS * 1_000);
      expect(horizon.getTime()).toBeGreaterThan(Date.now() - 11 * 60_000);
    });
  });
});
