/**
 * The timeline API at 100k invoices: a workspace with 100k canonical invoices (four systems'
 * chips each, some disagreeing), the real app (`npm run demo`'s launcher, production build) on
 * loopback, and an API key. Sends the queries people make (first page, deep pages by cursor,
 * each filter, search by number and by customer) one after another and reports latency
 * percentiles and the app's peak memory. Target: p95 < 100 ms.
 *
 *   npm run bench:timeline [-- --invoices 100000 --requests 400]
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "../test/database";

const { values } = parseArgs({ options: { invoices: { type: "string", default: "100000" }, requests: { type: "string", default: "400" } } });
const N = Number(values.invoices);
const REQUESTS = Number(values.requests);
const PORT = 3301;
const ROOT = path.resolve(import.meta.dirname, "..");
const TARGET_P95_MS = 100;

const database = await createTestDatabase();
process.env.DATABASE_URL = database.url;
const { db } = await import("../lib/db");
const { signUp } = await import("../lib/accounts/users");
const { createApiKey } = await import("../lib/api-keys");

/** 100k invoices in one statement: realistic spread of statuses, systems, currencies and dates. */
async function seed(workspaceId: string): Promise<void> {
  const started = performance.now();
  await db().$executeRawUnsafe(`
    INSERT INTO "Customer" (id, "workspaceId", name, "normalizedName", "createdAt", "updatedAt")
    SELECT 'cust-' || g, '${workspaceId}', 'Customer ' || g || ' Trading Ltd', 'customer ' || g || ' trading', now(), now() FROM generate_series(1, 2000) g`);
  await db().$executeRawUnsafe(`
    INSERT INTO "Invoice" (id, "workspaceId", number, "normalizedNumber", "customerId", "customerName", currency, "totalMinor", "amountPaidMinor", "amountDueMinor",
                           status, "issueDate", "dueDate", "searchText", providers, systems, disagreement, fingerprint, "createdAt", "updatedAt")
    SELECT 'inv-' || lpad(g::text, 7, '0'), '${workspaceId}', 'INV-' || lpad(g::text, 6, '0'), g::text, 'cust-' || (g % 2000 + 1),
           'Customer ' || (g % 2000 + 1) || ' Trading Ltd', (ARRAY['USD','EUR','GBP','JPY'])[g % 4 + 1], (g * 7919) % 5000000 + 100, 0, (g * 7919) % 5000000 + 100,
           (ARRAY['DRAFT','OPEN','OPEN','PARTIALLY_PAID','PAID','PAID','PAID','VOID'])[g % 8 + 1]::"InvoiceStatus",
           date '2024-01-01' + (g % 700), date '2024-01-31' + (g % 700), g::text || ' customer ' || (g % 2000 + 1) || ' trading',
           CASE WHEN g % 5 = 0 THEN ARRAY['STRIPE','QUICKBOOKS']::"Provider"[] ELSE ARRAY['HUBSPOT','QUICKBOOKS','STRIPE','XERO']::"Provider"[] END,
           (SELECT jsonb_agg(jsonb_build_object('connectionId', 'conn-' || p, 'provider', p, 'externalId', p || '-' || g, 'number', 'INV-' || g,
                   'status', CASE WHEN g % 20 = 0 AND p = 'XERO' THEN 'OPEN' ELSE 'PAID' END, 'currency', 'USD', 'totalMinor', ((g * 7919) % 5000000 + 100)::text,
                   'amountPaidMinor', '0', 'dueDate', null))
              FROM unnest(ARRAY['STRIPE','QUICKBOOKS','XERO','HUBSPOT']) p),
           g % 20 = 0, 'fp', now() - (g || ' seconds')::interval, now() - (g || ' seconds')::interval
    FROM generate_series(1, ${N}) g`);
  await db().$executeRawUnsafe(`ANALYZE "Invoice"`);
  console.log(`seeded ${N.toLocaleString()} invoices in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const { workspace } = await signUp({ name: "Bench", email: `bench-${randomBytes(4).toString("hex")}@example.test`, password: "correct-horse-battery" });
await seed(workspace.id);
const owner = await db().membership.findFirstOrThrow({ where: { workspaceId: workspace.id }, select: { userId: true } });
const { key } = await createApiKey({ workspace, role: "OWNER", actor: { type: "USER", id: owner.userId, label: "bench" } }, { name: "bench", role: "VIEWER" });

const app = spawn(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/start.ts", "demo"], {
  cwd: ROOT,
  env: { ...process.env, DATABASE_URL: database.url, PORT: String(PORT), LOG_LEVEL: "warn", CONCORD_DEMO: "0", CONCORD_PROVIDERS: "real" },
  stdio: ["ignore", "ignore", "inherit"],
});

/** Peak resident memory of the app's server process (VmHWM; the largest of tsx's launcher and its Node child). */
function serverPeakMb(): number | null {
  let peak: number | null = null;
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      const env = readFileSync(`/proc/${pid}/environ`, "utf8");
      if (!cmd.includes("scripts/server.ts") || !env.includes(`PORT=${PORT}\0`)) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (hwm) peak = Math.max(peak ?? 0, Number(hwm[1]) / 1024);
    } catch {
      // a process that ended meanwhile
    }
  }
  return peak;
}

const get = async (query: string) => {
  const t0 = performance.now();
  const response = await fetch(`http://127.0.0.1:${PORT}/api/v1/invoices?${query}`, { headers: { authorization: `Bearer ${key}` } });
  const body = (await response.json()) as { data: unknown[]; nextCursor: string | null };
  if (!response.ok) throw new Error(`${query}: ${response.status} ${JSON.stringify(body)}`);
  return { ms: performance.now() - t0, body };
};

try {
  for (let i = 0; ; i++) {
    if (await fetch(`http://127.0.0.1:${PORT}/api/health`).then((r) => r.ok, () => false)) break;
    if (i > 600) throw new Error("the app did not start");
    await new Promise((r) => setTimeout(r, 500));
  }
  const QUERIES = [
    "limit=50",
    "limit=50&status=PAID",
    "limit=50&status=OPEN,PARTIALLY_PAID",
    "limit=50&system=xero",
    "limit=50&disagreement=true",
    "limit=50&from=2025-01-01&to=2025-03-31",
    "limit=50&q=INV-004242",
    "limit=50&q=Customer%201234",
    "limit=50&customer=cust-77",
    "limit=200",
  ];
  for (const q of QUERIES) await get(q); // warm-up: compile routes, fill pools
  const latencies: Record<string, number[]> = {};
  let cursor: string | null = null;
  for (let i = 0; i < REQUESTS; i++) {
    // Every other request pages deeper into the timeline by cursor; the rest cycle through the filters.
    const deep = i % 2 === 0;
    const query: string = deep ? `limit=50${cursor ? `&cursor=${cursor}` : ""}` : QUERIES[(i / 2) % QUERIES.length | 0]!;
    const { ms, body } = await get(query);
    if (deep) cursor = body.nextCursor;
    (latencies[deep ? "deep pages" : query] ??= []).push(ms);
  }
  const all = Object.values(latencies).flat().sort((a, b) => a - b);
  const pct = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((list.length * p) / 100))]!;
  for (const [name, list] of Object.entries(latencies)) {
    list.sort((a, b) => a - b);
    console.log(`${name.padEnd(42)} p50 ${pct(list, 50).toFixed(1).padStart(6)} ms   p95 ${pct(list, 95).toFixed(1).padStart(6)} ms`);
  }
  const p95 = pct(all, 95);
  const peak = serverPeakMb();
  console.log(`all ${all.length} requests: p50 ${pct(all, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, p99 ${pct(all, 99).toFixed(1)} ms; app peak RSS ${peak?.toFixed(0) ?? "?"} MB`);
  console.log(JSON.stringify({ bench: "timeline-api", invoices: N, requests: all.length, p50: Number(pct(all, 50).toFixed(1)), p95: Number(p95.toFixed(1)), appPeakRssMb: peak && Math.round(peak) }));
  process.exitCode = p95 < TARGET_P95_MS ? 0 : 1;
} finally {
  app.kill("SIGTERM");
  await new Promise((r) => app.once("exit", r));
  await db().$disconnect();
  await database.drop();
}
