/**
 * Webhook intake under load: signed Stripe events at a steady 500 deliveries a second (10% of
 * them duplicates) against the real app on loopback; reports latency percentiles. Target:
 * p99 < 100 ms.
 *
 *   npm run bench:webhooks [-- --rate 500 --seconds 10]
 *
 * Uses a throwaway database on the local PostgreSQL (as the tests do) and `npm run demo`'s
 * launcher on port 3300.
 */
import { spawn } from "node:child_process";
import http from "node:http";
import { createHmac, randomBytes } from "node:crypto";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "../test/database";

const { values } = parseArgs({ options: { rate: { type: "string", default: "500" }, seconds: { type: "string", default: "10" } } });
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const PORT = 3300;
const SECRET = `whsec_${randomBytes(16).toString("hex")}`;
const ACCOUNT = "acct_benchmark0001";
const ROOT = path.resolve(import.meta.dirname, "..");

function signedEvent(id: string): { body: string; signature: string } {
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id,
    object: "event",
    api_version: "2026-10-28.endive",
    account: ACCOUNT,
    created: now,
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: "invoice.updated",
    data: { object: { id: `in_${id.slice(4)}`, object: "invoice", status: "open", customer: "cus_bench", currency: "usd", amount_due: 1000, amount_paid: 0, amount_remaining: 1000, total: 1000, created: now, metadata: {} }, previous_attributes: {} },
  });
  const signature = `t=${now},v1=${createHmac("sha256", SECRET).update(`${now}.${body}`).digest("hex")}`;
  return { body, signature };
}

const database = await createTestDatabase();
process.env.DATABASE_URL = database.url;
const { db } = await import("../lib/db");
const workspace = await db().workspace.create({ data: { name: "Bench", slug: `bench-${randomBytes(4).toString("hex")}` } });
await db().connection.create({ data: { workspaceId: workspace.id, provider: "STRIPE", externalAccountId: ACCOUNT, displayName: "Bench" } });

const app = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/start.ts", "demo"], {
  cwd: ROOT,
  env: {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(PORT),
    LOG_LEVEL: "warn",
    CONCORD_DEMO: "0",
    CONCORD_PROVIDERS: "real",
    STRIPE_CLIENT_ID: "ca_benchmark",
    STRIPE_CLIENT_SECRET: "sk_benchmark",
    STRIPE_WEBHOOK_SECRET: SECRET,
  },
  stdio: ["ignore", "ignore", "inherit"],
});

const url = `http://127.0.0.1:${PORT}/api/webhooks/stripe`;
// A plain keep-alive client: the generator shares the machine with the app and PostgreSQL, so it
// must cost as little as possible per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function post(body: string, signature: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "content-type": "application/json", "stripe-signature": signature, "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end(body);
  });
}
try {
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${PORT}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 240) throw new Error("the app did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  // Warm-up: compile the route and fill the pools.
  for (let i = 0; i < 50; i++) {
    const { body, signature } = signedEvent(`evt_warm${i}`);
    await post(body, signature);
  }

  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const total = RATE * SECONDS;
  // Signed ahead of time (every tenth a duplicate of the one before), well inside Stripe's 5 minutes.
  const deliveries = Array.from({ length: total }, (_, i) => signedEvent(i % 10 === 9 ? `evt_bench${i - 1}` : `evt_bench${i}`));
  const started = performance.now();
  const sent: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    // Open loop: each delivery leaves on schedule whether or not earlier ones were answered.
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const { body, signature } = deliveries[i]!;
    const t0 = performance.now();
    sent.push(
      post(body, signature).then((status) => {
        latencies.push(performance.now() - t0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
    );
  }
  await Promise.all(sent);
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))]!.toFixed(1);
  const stored = await db().webhookDelivery.count({ where: { accountId: ACCOUNT, eventId: { startsWith: "evt_bench" } } });
  console.log(`${total} deliveries in ${elapsed.toFixed(1)} s (${Math.round(total / elapsed)}/s offered at ${RATE}/s)`);
  console.log(`statuses ${JSON.stringify(statuses)}; stored once each: ${stored} of ${total - Math.floor(total / 10)} distinct`);
  console.log(`latency ms: p50 ${pct(50)}  p95 ${pct(95)}  p99 ${pct(99)}  max ${latencies.at(-1)!.toFixed(1)}`);
  const p99 = Number(pct(99));
  console.log(p99 < 100 ? "p99 < 100 ms: ok" : "p99 >= 100 ms: ABOVE TARGET");
  process.exitCode = p99 < 100 && statuses[200] === total ? 0 : 1;
} finally {
  app.kill("SIGTERM");
  await new Promise((r) => app.once("exit", r));
  await db().$disconnect();
  await database.drop();
}
