/**
 * Webhook to every system: the demo app (embedded executor, the four sandboxes, their webhooks
 * subscribed) on loopback; N invoices are paid in the Stripe sandbox through its API, and the
 * clock runs until QuickBooks, Xero and HubSpot show each of them paid in Concord (the payment
 * recorded there and read back). Reports latency percentiles, the payments pushed per system and
 * the 429s the sandboxes answered. `--faults 0.2` makes the three target sandboxes fail 20% of
 * requests with 500s.
 *
 *   npm run bench:propagation [-- --invoices 20 --faults 0]
 */
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "../test/database";

const { values } = parseArgs({ options: { invoices: { type: "string", default: "20" }, faults: { type: "string", default: "0" } } });
const N = Number(values.invoices);
const FAULTS = Number(values.faults);
const PORT = 3302;
const SANDBOX_PORTS = { stripe: 4341, quickbooks: 4342, xero: 4343, hubspot: 4344 };
const ROOT = path.resolve(import.meta.dirname, "..");
const DATA = path.join(ROOT, ".data", "bench-propagation");

rmSync(DATA, { recursive: true, force: true });
const database = await createTestDatabase();
process.env.DATABASE_URL = database.url;
const { db } = await import("../lib/db");
const { keyringFrom, open } = await import("../lib/connections/crypto");
const { TOKEN_PURPOSE } = await import("../lib/connections/tokens");

const app = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/start.ts", "demo"], {
  cwd: ROOT,
  detached: true,
  env: {
    ...process.env,
    DATABASE_URL: database.url,
    PORT: String(PORT),
    LOG_LEVEL: "warn",
    CONCORD_DEMO: "1",
    DEMO_PASSWORD: "bench-propagation",
    CONCORD_DATA_DIR: DATA,
    SANDBOX_STATE_DIR: "none",
    SANDBOX_STRIPE_PORT: String(SANDBOX_PORTS.stripe),
    SANDBOX_QUICKBOOKS_PORT: String(SANDBOX_PORTS.quickbooks),
    SANDBOX_XERO_PORT: String(SANDBOX_PORTS.xero),
    SANDBOX_HUBSPOT_PORT: String(SANDBOX_PORTS.hubspot),
  },
  stdio: ["ignore", "ignore", "inherit"],
});

const sandbox = (name: keyof typeof SANDBOX_PORTS, p: string, body?: unknown) =>
  fetch(`http://127.0.0.1:${SANDBOX_PORTS[name]}${p}`, body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then((r) => r.json());

type Chip = { provider: string; externalId: string; status: string };
const pct = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((list.length * p) / 100))]!;

try {
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${PORT}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error("the app did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  await new Promise((r) => setTimeout(r, 3_000)); // the executor syncs the functions once the server listens
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
  const candidates = await db().invoice.findMany({
    where: { workspaceId: workspace.id, status: "OPEN", disagreement: false, providers: { hasEvery: ["STRIPE", "QUICKBOOKS", "XERO", "HUBSPOT"] } },
    select: { id: true, systems: true },
    orderBy: { issueDate: "asc" },
  });
  const targets = candidates.filter((i) => (i.systems as Chip[]).every((c) => c.status === "OPEN")).slice(0, N);
  if (targets.length < N) throw new Error(`only ${targets.length} invoices are open everywhere`);
  const secrets = JSON.parse(readFileSync(path.join(DATA, "secrets.json"), "utf8")) as Record<string, string>;
  const connection = await db().connection.findFirstOrThrow({ where: { workspaceId: workspace.id, provider: "STRIPE" }, select: { tokensCiphertext: true, tokenKeyId: true } });
  const token = (JSON.parse(open(connection.tokensCiphertext!, connection.tokenKeyId!, TOKEN_PURPOSE, keyringFrom({ CONCORD_ENCRYPTION_KEY: secrets.CONCORD_ENCRYPTION_KEY }))) as { accessToken: string }).accessToken;
  if (FAULTS > 0) for (const name of ["quickbooks", "xero", "hubspot"] as const) await sandbox(name, "/_sandbox/faults", { errorRate: FAULTS });
  const before = Object.fromEntries(await Promise.all((["quickbooks", "xero", "hubspot"] as const).map(async (n) => [n, ((await sandbox(n, "/_sandbox/stats")) as { rateLimited: number }).rateLimited])));

  const paidAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  for (const invoice of targets) {
    const stripeId = (invoice.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;
    paidAt.set(invoice.id, performance.now());
    const paid = await fetch(`http://127.0.0.1:${SANDBOX_PORTS.stripe}/v1/invoices/${stripeId}/pay`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
      body: "paid_out_of_band=true",
    });
    if (!paid.ok) throw new Error(`paying ${stripeId}: ${paid.status} ${await paid.text()}`);
  }
  const deadline = performance.now() + 120_000;
  while (doneAt.size < targets.length && performance.now() < deadline) {
    const rows = await db().invoice.findMany({ where: { id: { in: targets.map((t) => t.id).filter((id) => !doneAt.has(id)) } }, select: { id: true, systems: true } });
    for (const row of rows) if ((row.systems as Chip[]).every((c) => c.status === "PAID")) doneAt.set(row.id, performance.now());
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 3_000)); // each push is audited just after its answer is stored
  const latencies = targets.filter((t) => doneAt.has(t.id)).map((t) => (doneAt.get(t.id)! - paidAt.get(t.id)!) / 1000).sort((a, b) => a - b);
  const pushes = await db().auditEntry.groupBy({ by: ["connectionId"], where: { workspaceId: workspace.id, action: "sync.push.record_payment", subjectId: { in: targets.map((t) => t.id) } }, _count: { _all: true } });
  const after = Object.fromEntries(await Promise.all((["quickbooks", "xero", "hubspot"] as const).map(async (n) => [n, ((await sandbox(n, "/_sandbox/stats")) as { rateLimited: number }).rateLimited])));
  console.log(`${latencies.length}/${targets.length} invoices paid everywhere${FAULTS ? ` (with ${FAULTS * 100}% injected 500s)` : ""}`);
  if (latencies.length) console.log(`webhook to all systems: p50 ${pct(latencies, 50).toFixed(2)} s, p95 ${pct(latencies, 95).toFixed(2)} s, max ${latencies.at(-1)!.toFixed(2)} s`);
  console.log(`payments pushed per connection: ${pushes.map((p) => p._count._all).join(", ")} (one each expected: ${targets.length})`);
  console.log(`429s answered by the target sandboxes: ${JSON.stringify(Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - before[k]])))}`);
  console.log(JSON.stringify({ bench: "propagation", invoices: targets.length, faults: FAULTS, completed: latencies.length, p50: latencies.length ? pct(latencies, 50) : null, p95: latencies.length ? pct(latencies, 95) : null, pushes: pushes.map((p) => p._count._all) }));
  process.exitCode = latencies.length === targets.length && pushes.every((p) => p._count._all === targets.length) ? 0 : 1;
} finally {
  try {
    process.kill(-app.pid!, "SIGTERM");
  } catch {
    // already gone
  }
  await new Promise((r) => setTimeout(r, 1_500));
  await db().$disconnect();
  if (process.env.BENCH_KEEP_DB === "1") console.log(`database kept: ${database.url}`);
  else await database.drop();
  rmSync(DATA, { recursive: true, force: true });
}
