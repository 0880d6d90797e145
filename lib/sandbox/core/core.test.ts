/**
 * The shared sandbox machinery through a minimal provider: the pipeline (auth, limits, faults),
 * the control API, webhooks (retries, duplicates, drops, per-attempt signing), idempotency,
 * persistence, and bodies that must never crash a sandbox.
 */
import { createHmac } from "node:crypto";
import http from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { json, parseJson, header } from "./http";
import { fingerprint } from "./idempotency";
import { Sandbox, type ProviderDefinition } from "./sandbox";
import { generateSeed } from "./seed";

type Data = { notes: { id: string; text: string }[] };

const testProvider: ProviderDefinition<Data> = {
  name: "stripe",
  label: "Test",
  defaultPort: 0,
  newAccountId: (rng) => `acct_${rng.id(8)}`,
  newData: () => ({ notes: [] }),
  counts: (data) => ({ notes: data.notes.length }),
  seed: (ctx, input) => {
    const { invoices } = generateSeed(input);
    ctx.data.notes.push(...invoices.map((i) => ({ id: i.key, text: `${i.number} ${i.totalMinor} ${i.currency}` })));
    return { notes: invoices.length };
  },
  errors: {
    unauthorized: () => json(401, { error: "unauthorized" }),
    notFound: () => json(404, { error: "not_found" }),
    rateLimited: (retry) => json(429, { error: "slow_down" }, { "retry-after": String(retry) }),
    serverError: (status) => json(status, { error: "server" }),
    tooLarge: () => json(413, { error: "too_large" }),
  },
  oauth: {
    providerLabel: "Test",
    tokenPrefix: { access: "at_", refresh: "rt_" },
    rotateRefreshTokens: true,
    pkce: "supported",
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 86400,
    multiAccount: false,
    paths: { authorize: "/oauth/authorize", token: "/oauth/token", revoke: "/oauth/revoke" },
  },
  authenticate(req, sandbox) {
    const token = header(req, "authorization")?.replace(/^Bearer /, "") ?? "";
    const grant = sandbox.oauth.grantFor(token);
    return grant ? { accountId: grant.accountIds[0]!, grant } : json(401, { error: "unauthorized" });
  },
  limits: (_req, accountId) => ({ windows: [{ name: "second", key: accountId, max: 5, windowMs: 1000 }], concurrency: { key: accountId, max: 2 } }),
  limitHeaders: (remaining) => ({ "x-remaining": String(remaining.second) }),
  routes(api) {
    api
      .add("GET", "/v1/notes", (_req, ctx) => json(200, { data: ctx.data.notes }))
      .add("GET", "/v1/slow", async () => {
        await new Promise((r) => setTimeout(r, 200));
        return json(200, {});
      })
      .add("GET", "/v1/boom", () => {
        throw new Error("handler bug");
      })
      .add("POST", "/v1/notes", async (req, ctx) => {
        const body = parseJson(req);
        if (!body.ok || typeof (body.value as { text?: unknown })?.text !== "string") return json(400, { error: "bad_body" });
        return ctx.sandbox.idempotency.run(ctx.account.id, header(req, "idempotency-key"), fingerprint(req.rawBody), () => {
          const note = { id: `n${ctx.data.notes.length + 1}`, text: (body.value as { text: string }).text };
          ctx.data.notes.push(note);
          ctx.sandbox.webhooks.emit({
            eventType: "note.created",
            accountId: ctx.account.id,
            build: (sub, attempt) => {
              const payload = JSON.stringify({ note, attempt });
              return { body: payload, headers: { "content-type": "application/json", "x-signature": createHmac("sha256", sub.secret).update(payload).digest("hex") } };
            },
          });
          return json(201, note);
        }, () => json(400, { error: "idempotency_mismatch" }));
      });
  },
  webhookRetryScheduleMs: [1000, 2000],
};

let sandbox: Sandbox<Data>;
let base: string;
let close: () => Promise<void>;

beforeAll(async () => {
  sandbox = new Sandbox(testProvider);
  const server = await sandbox.listen(0);
  base = server.url;
  close = server.close;
});
afterAll(() => close());
afterEach(async () => {
  await fetch(`${base}/_sandbox/reset`, { method: "POST" });
});

const post = (p: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

async function account(): Promise<{ accountId: string; accessToken: string }> {
  return (await post("/_sandbox/accounts", { name: "Acme" })).json();
}

describe("sandbox pipeline", () => {
  it("authenticates with the control API's token and refuses others", async () => {
    const { accessToken } = await account();
    expect((await fetch(`${base}/v1/notes`, { headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(200);
    expect((await fetch(`${base}/v1/notes`, { headers: { authorization: "Bearer nope" } })).status).toBe(401);
    expect((await fetch(`${base}/v1/nothing`)).status).toBe(404);
  });

  it("rate-limits per window with the provider's 429, and the clock scale shortens the window", async () => {
    const { accessToken } = await account();
    const get = () => fetch(`${base}/v1/notes`, { headers: { authorization: `Bearer ${accessToken}` } });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await get()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await get();
    expect(limited.headers.get("retry-after")).toBe("1");
    await post("/_sandbox/clock", { scale: 100 });
    await new Promise((r) => setTimeout(r, 20)); // a 1 s window at 100x lasts 10 ms
    const fresh = await get();
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("x-remaining")).toBe("4");
    const stats = await (await fetch(`${base}/_sandbox/stats`)).json();
    expect(stats.rateLimited).toBe(3);
    expect(stats.requests["GET /v1/notes"]["429"]).toBe(3);
  });

  it("caps concurrent requests", async () => {
    const { accessToken } = await account();
    const statuses = await Promise.all(Array.from({ length: 3 }, () => fetch(`${base}/v1/slow`, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.status)));
    expect(statuses.sort()).toEqual([200, 200, 429]);
  });

  it("injects errors and timeouts only where asked, and counts them", async () => {
    const { accessToken } = await account();
    await post("/_sandbox/faults", { errorRate: 1, paths: ["/v1/notes"] });
    const auth = { authorization: `Bearer ${accessToken}` };
    expect([500, 503]).toContain((await fetch(`${base}/v1/notes`, { headers: auth })).status);
    expect((await fetch(`${base}/v1/slow`, { headers: auth })).status).toBe(200);
    await post("/_sandbox/faults", { timeoutRate: 1 });
    await expect(fetch(`${base}/v1/notes`, { headers: auth, signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await (await fetch(`${base}/_sandbox/stats`)).json()).faultsInjected).toBe(2);
    expect((await post("/_sandbox/faults", { errorRate: 2 })).status).toBe(400);
  });

  it("turns a handler bug into the provider's 500 and keeps serving", async () => {
    const { accessToken } = await account();
    const auth = { authorization: `Bearer ${accessToken}` };
    expect((await fetch(`${base}/v1/boom`, { headers: auth })).status).toBe(500);
    expect((await fetch(`${base}/v1/notes`, { headers: auth })).status).toBe(200);
  });

  it("survives any body", async () => {
    const { accessToken } = await account();
    const auth = { authorization: `Bearer ${accessToken}` };
    for (const body of ["{", "\u0000\u00ff", "null", "[]", JSON.stringify({ text: 5 })]) expect((await post("/v1/notes", body, auth)).status).toBe(400);
    expect((await post("/v1/notes", "x".repeat(6 * 1024 * 1024), auth)).status).toBe(413);
    expect((await post("/_sandbox/seed", "{nope")).status).toBe(400);
    expect((await post("/_sandbox/seed", { accountId: "acct_none", invoices: -1 })).status).toBe(400);
  });
});

describe("idempotency", () => {
  it("replays the same request and refuses a different one with the same key", async () => {
    const { accessToken } = await account();
    const headers = { authorization: `Bearer ${accessToken}`, "idempotency-key": "k1" };
    const first = await (await post("/v1/notes", { text: "a" }, headers)).json();
    const again = await post("/v1/notes", { text: "a" }, headers);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.json()).toEqual(first);
    expect((await post("/v1/notes", { text: "b" }, headers)).status).toBe(400);
    const notes = await (await fetch(`${base}/v1/notes`, { headers: { authorization: headers.authorization } })).json();
    expect(notes.data).toHaveLength(1);
  });
});

describe("seeding", () => {
  it("is deterministic for a seed and differs across seeds", async () => {
    const a = await account();
    const b = await account();
    const c = await account();
    for (const [acc, seed] of [[a, 7], [b, 7], [c, 8]] as const) expect((await post("/_sandbox/seed", { accountId: acc.accountId, seed, invoices: 20 })).status).toBe(200);
    const notes = async (acc: { accessToken: string }) => (await (await fetch(`${base}/v1/notes`, { headers: { authorization: `Bearer ${acc.accessToken}` } })).json()).data;
    expect(await notes(a)).toEqual(await notes(b));
    expect(await notes(a)).not.toEqual(await notes(c));
    const stats = await (await fetch(`${base}/_sandbox/stats`)).json();
    expect(stats.objects[a.accountId]).toEqual({ notes: 20 });
  });

  it("makes messy, multi-currency books with partial payments", () => {
    const { customers, invoices } = generateSeed({ seed: 1, customers: 40, invoices: 300, currencies: ["USD", "EUR", "JPY", "KWD"] });
    expect(new Set(invoices.map((i) => i.currency)).size).toBe(4);
    expect(invoices.some((i) => i.state === "partially_paid" && i.payments[0]!.amountMinor < i.totalMinor)).toBe(true);
    expect(invoices.some((i) => i.state === "void")).toBe(true);
    expect(customers.some((c) => c.name !== c.name.trim() || c.name.includes("  "))).toBe(true);
    for (const i of invoices) expect(i.totalMinor).toBe(i.lines.reduce((s, l) => s + l.quantity * l.unitAmountMinor, 0));
    for (const i of invoices.filter((x) => x.currency === "JPY")) expect(Number.isInteger(i.totalMinor)).toBe(true);
  });
});

describe("webhooks", () => {
  let receiver: http.Server;
  let url: string;
  const received: { body: string; signature: string }[] = [];
  let failFirst = 0;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        if (failFirst > 0) {
          failFirst -= 1;
          res.writeHead(500).end();
          return;
        }
        received.push({ body, signature: String(req.headers["x-signature"]) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  });
  afterAll(() => new Promise<void>((r) => receiver.close(() => r())));

  it("delivers signed events, retries failures on the schedule, and can duplicate or drop", async () => {
    const { accountId, accessToken } = await account();
    const auth = { authorization: `Bearer ${accessToken}` };
    await post("/_sandbox/clock", { scale: 1000 });
    const sub = await (await post("/_sandbox/webhooks", { accountId, url })).json();
    expect(sub.secret).toMatch(/^whsec_/);

    received.length = 0;
    failFirst = 2; // fails twice, then the second retry succeeds
    await post("/v1/notes", { text: "hello" }, auth);
    await sandbox.webhooks.idle();
    expect(received).toHaveLength(1);
    const event = JSON.parse(received[0]!.body);
    expect(event).toMatchObject({ note: { text: "hello" }, attempt: 2 });
    expect(received[0]!.signature).toBe(createHmac("sha256", sub.secret).update(received[0]!.body).digest("hex"));

    await post("/_sandbox/webhooks", { accountId, url, duplicateRate: 1 });
    received.length = 0;
    await post("/v1/notes", { text: "twice" }, auth);
    await sandbox.webhooks.idle();
    expect(received.filter((r) => r.body.includes("twice"))).toHaveLength(3); // first subscription once, the duplicating one twice

    const stats = await (await fetch(`${base}/_sandbox/stats`)).json();
    expect(stats.webhooks).toMatchObject({ delivered: 4, retried: 2, duplicated: 1 });
  });

  it("gives up after the schedule and counts the failure", async () => {
    const { accountId, accessToken } = await account();
    await post("/_sandbox/clock", { scale: 1000 });
    await post("/_sandbox/webhooks", { accountId, url, dropRate: 0 });
    failFirst = 10;
    await post("/v1/notes", { text: "lost" }, { authorization: `Bearer ${accessToken}` });
    await sandbox.webhooks.idle();
    failFirst = 0;
    expect((await (await fetch(`${base}/_sandbox/stats`)).json()).webhooks).toMatchObject({ failed: 1, sent: 3 });
  });
});

describe("persistence", () => {
  it("saves state to a file and a new sandbox picks it up", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sandbox-state-"));
    try {
      const file = path.join(dir, "test.json");
      const first = new Sandbox(testProvider, file);
      const account = first.createAccount("Kept");
      first.data.get(account.id)!.notes.push({ id: "n1", text: "kept" });
      const token = first.oauth.issue({ clientId: "concord-sandbox-client", accountIds: [account.id], scope: "" }).accessToken;
      first.touch();
      first.save();
      const second = new Sandbox(testProvider, file);
      expect(second.data.get(account.id)?.notes).toEqual([{ id: "n1", text: "kept" }]);
      expect(second.oauth.grantFor(token)?.accountIds).toEqual([account.id]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
