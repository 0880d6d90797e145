/**
 * Backfill of a large Stripe account, end to end: the Stripe sandbox (its own process, pinned to
 * one core) holds N invoices; Concord pages through customers, invoices and payments with the
 * official SDK, stores every record and builds the canonical invoices, exactly as "Sync now"
 * does. Reports invoices per second over the whole backfill and this process's peak memory.
 * Target: >= 2,000 invoices/s at 50k invoices.
 *
 *   npm run bench:backfill [-- --invoices 50000 --customers 2000 --test-mode --fetch-only]
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "../test/database";

const { values } = parseArgs({ options: { invoices: { type: "string", default: "50000" }, customers: { type: "string", default: "2000" }, "test-mode": { type: "boolean", default: false }, "fetch-only": { type: "boolean", default: false } } });
const INVOICES = Number(values.invoices);
const CUSTOMERS = Number(values.customers);
const TARGET = 2_000;
const ROOT = path.resolve(import.meta.dirname, "..");
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

const command = [path.join(ROOT, "node_modules/.bin/tsx"), path.join(ROOT, "bench/support/serve-sandbox.ts"), "stripe"];
const sandbox = hasTaskset ? spawn("taskset", ["-c", "0", ...command]) : spawn(command[0]!, command.slice(1));
if (hasTaskset) spawnSync("taskset", ["-cp", "1", String(process.pid)], { stdio: "ignore" });
const base = await new Promise<string>((resolve) => createInterface({ input: sandbox.stdout! }).once("line", resolve));
const post = async (p: string, body: unknown) => {
  const r = await fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
  return r.json();
};

const database = await createTestDatabase();
Object.assign(process.env, {
  DATABASE_URL: database.url,
  DATABASE_POOL_MAX: "4",
  CONCORD_PROVIDERS: "sandbox",
  SANDBOX_STRIPE_PORT: new URL(base).port,
  CONCORD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  LOG_LEVEL: "warn",
});
const { db } = await import("../lib/db");
const { sealTokens } = await import("../lib/connections/tokens");
const { pullConnection } = await import("../lib/sync/pull");

try {
  // A live-mode account: live mode allows 100 requests a second (test mode 25, see --test-mode).
  const account = await post("/_sandbox/accounts", { name: "Backfill Bench", live: !values["test-mode"] });
  const seedStarted = performance.now();
  const seeded = await post("/_sandbox/seed", { accountId: account.accountId, seed: "bench", customers: CUSTOMERS, invoices: INVOICES, currencies: ["USD", "EUR", "GBP", "JPY"] });
  console.log(`seeded ${JSON.stringify(seeded.created)} in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const workspace = await db().workspace.create({ data: { name: "Bench", slug: `bench-${randomBytes(4).toString("hex")}` } });
  const connection = await db().connection.create({
    data: {
      workspaceId: workspace.id,
      provider: "STRIPE",
      externalAccountId: account.accountId,
      displayName: "Backfill Bench",
      ...sealTokens({ accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + 3_600_000, scope: null }),
    },
  });

  // --fetch-only first: how long the provider side alone takes (paging with the SDK, nothing stored).
  if (values["fetch-only"]) {
    const { connectorFor } = await import("../lib/connectors");
    const client = connectorFor("stripe").client({ accountId: account.accountId, accessToken: async () => account.accessToken, connectionKey: "fetch-only" });
    for (const kind of ["listCustomers", "listInvoices", "listPayments"] as const) {
      const t0 = performance.now();
      let cursor: string | null = null;
      let n = 0;
      let pages = 0;
      do {
        const page: { items: unknown[]; next: string | null } = await client[kind](cursor);
        n += page.items.length;
        pages++;
        cursor = page.next;
      } while (cursor);
      console.log(kind, n, "items", pages, "pages", Math.round(performance.now() - t0), "ms");
    }
  }
  const started = performance.now();
  const result = await pullConnection(connection.id, "BACKFILL");
  const seconds = (performance.now() - started) / 1000;
  if (result.error) throw new Error(result.error);
  const invoices = await db().invoice.count({ where: { workspaceId: workspace.id } });
  const records = await db().externalRecord.count({ where: { workspaceId: workspace.id } });
  const rate = invoices / seconds;
  const peakMb = process.resourceUsage().maxRSS / 1024;
  console.log(`backfill: ${records} records (${invoices} canonical invoices) in ${seconds.toFixed(1)} s`);
  console.log(`${Math.round(rate)} invoices/s end to end (target >= ${TARGET}); ${Math.round(records / seconds)} records/s; peak RSS ${peakMb.toFixed(0)} MB`);
  console.log(JSON.stringify({ bench: "stripe-backfill", invoices, records, seconds: Number(seconds.toFixed(2)), invoicesPerSecond: Math.round(rate), peakRssMb: Math.round(peakMb), ingest: result.ingest }));
  process.exitCode = invoices === INVOICES && rate >= TARGET ? 0 : 1;
} finally {
  sandbox.kill("SIGTERM");
  await db().$disconnect();
  // BENCH_KEEP_DB=1 keeps the database for a look at the data and the plans afterwards.
  if (process.env.BENCH_KEEP_DB === "1") console.log(`database kept: ${database.url}`);
  else await database.drop();
}
