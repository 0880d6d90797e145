/**
 * The audit CSV export at 100k entries, in bounded memory. Writes a validly chained trail of
 * 100k entries (and one of 10k to compare) into a throwaway database, checks the chain with
 * "Verify integrity", then streams each workspace's export (lib/audit/export.ts, the stream the
 * route sends) in a fresh process and reports rows, bytes, time, peak RSS and heap growth. Bounded
 * means: the 100k export's memory is the 10k export's, not ten times it.
 *
 *   npm run bench:audit-export [-- --entries 100000 --compare 10000]
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";

const { values } = parseArgs({
  options: { entries: { type: "string", default: "100000" }, compare: { type: "string", default: "10000" }, child: { type: "string" }, slug: { type: "string" } },
});

const mb = (bytes: number) => bytes / 1024 / 1024;
const vm = (field: "VmHWM" | "VmRSS") => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;

/**
 * heapPeak: the largest heapUsed seen (garbage included: V8 collects lazily, so this rises with
 * throughput, not with what is kept). liveHeap: heapUsed right after a full GC, every 10 chunks:
 * what the export actually holds. The child also runs with a small old-space limit, so an export
 * that kept its rows would die rather than pass.
 */
type Measured = { rows: number; bytes: number; ms: number; rssBeforeMb: number; rssPeakMb: number; heapBeforeMb: number; heapPeakMb: number; liveHeapPeakMb: number; liveHeapGrowthMb: number };
const OLD_SPACE_LIMIT_MB = 64;

/** The child: one export of one workspace, measured from a quiet start. */
async function child(workspaceId: string, slug: string): Promise<void> {
  const { exportAudit } = await import("../lib/audit/export");
  const { db } = await import("../lib/db");
  await db().$queryRaw`SELECT 1`; // pool and client warm before the baseline
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = vm("VmRSS");
  let heapPeak = heapBefore;
  const sample = () => (heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed));
  const timer = setInterval(sample, 10);
  const started = performance.now();
  const ctx = { workspace: { id: workspaceId, slug, name: slug }, role: "OWNER" as const, actor: { type: "SYSTEM" as const, label: "bench" } };
  const { stream } = await exportAudit(ctx, {});
  // Read as an HTTP client would read the route's response body.
  const reader = new Response(stream).body!.getReader();
  let bytes = 0;
  let lines = 0;
  let chunks = 0;
  let livePeak = heapBefore;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
    sample();
    if (++chunks % 10 === 0 && gc) {
      gc();
      livePeak = Math.max(livePeak, process.memoryUsage().heapUsed);
    }
  }
  clearInterval(timer);
  const measured: Measured = {
    rows: lines - 1,
    bytes,
    ms: performance.now() - started,
    rssBeforeMb: rssBefore,
    rssPeakMb: vm("VmHWM"),
    heapBeforeMb: mb(heapBefore),
    heapPeakMb: mb(heapPeak),
    liveHeapPeakMb: mb(livePeak),
    liveHeapGrowthMb: mb(livePeak - heapBefore),
  };
  console.log(JSON.stringify(measured));
  await db().$disconnect();
}

/** `n` entries for a workspace, chained exactly as recordAudit chains them, inserted in batches. */
async function seed(pool: pg.Pool, workspaceId: string, n: number): Promise<void> {
  const { entryContent, entryHash } = await import("../lib/audit/record");
  const BATCH = 5_000;
  const start = Date.now() - n * 1000;
  let prevHash: string | null = null;
  for (let from = 0; from < n; from += BATCH) {
    const cols: Record<string, (string | null)[]> = { at: [], actorType: [], actorId: [], actorLabel: [], action: [], subjectType: [], subjectId: [], connectionId: [], changes: [], correlationId: [], prevHash: [], hash: [] };
    for (let i = from; i < Math.min(n, from + BATCH); i++) {
      const run = `run_${Math.floor(i / 50)}`;
      const kind = i % 10;
      const fields = {
        workspaceId,
        at: new Date(start + i * 1000),
        actorType: kind === 0 ? ("USER" as const) : kind === 1 ? ("API_KEY" as const) : ("SYSTEM" as const),
        actorId: kind === 0 ? "user_bench" : kind === 1 ? "key_bench" : run,
        actorLabel: kind === 0 ? "dana@example.com" : kind === 1 ? "Reporting key" : "Sync engine",
        action: kind === 0 ? "conflict.resolved" : kind === 1 ? "invoice.read" : kind < 6 ? "sync.push.record_payment" : "sync.pull",
        subjectType: "invoice",
        subjectId: `inv_${String(i % 20_000).padStart(6, "0")}`,
        connectionId: `conn_${i % 4}`,
        changes: {
          request: { amountMinor: String((i * 7919) % 500_000), currency: "EUR", paidOn: "2026-03-14", invoice: `in_${i}` },
          answer: { externalId: `pay_${i}`, version: `2026-03-14T10:${String(i % 60).padStart(2, "0")}:00Z` },
          idempotencyKey: `inv_${i}:v3:conn_${i % 4}:record_payment`,
          note: i % 97 === 0 ? '=HYPERLINK("http://x","a, \\"quoted\\" note")' : null,
        },
        correlationId: run,
      };
      const hash = entryHash(prevHash, entryContent(fields));
      cols.at!.push(fields.at.toISOString());
      cols.actorType!.push(fields.actorType);
      cols.actorId!.push(fields.actorId);
      cols.actorLabel!.push(fields.actorLabel);
      cols.action!.push(fields.action);
      cols.subjectType!.push(fields.subjectType);
      cols.subjectId!.push(fields.subjectId);
      cols.connectionId!.push(fields.connectionId);
      cols.changes!.push(JSON.stringify(fields.changes));
      cols.correlationId!.push(fields.correlationId);
      cols.prevHash!.push(prevHash);
      cols.hash!.push(hash);
      prevHash = hash;
    }
    // Ids come from the sequence in ordinality order: the chain's order is the id order.
    await pool.query(
      `INSERT INTO "AuditEntry" ("workspaceId", "at", "actorType", "actorId", "actorLabel", "action", "subjectType", "subjectId", "connectionId", "changes", "correlationId", "prevHash", "hash")
       SELECT $1, t.at::timestamptz AT TIME ZONE 'UTC', t."actorType"::"ActorType", t."actorId", t."actorLabel", t.action, t."subjectType", t."subjectId", t."connectionId", t.changes::jsonb, t."correlationId", t."prevHash", t.hash
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
              WITH ORDINALITY AS t(at, "actorType", "actorId", "actorLabel", action, "subjectType", "subjectId", "connectionId", changes, "correlationId", "prevHash", hash, ord)
        ORDER BY t.ord`,
      [workspaceId, cols.at, cols.actorType, cols.actorId, cols.actorLabel, cols.action, cols.subjectType, cols.subjectId, cols.connectionId, cols.changes, cols.correlationId, cols.prevHash, cols.hash],
    );
  }
}

function measure(workspaceId: string, slug: string, databaseUrl: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", `--max-old-space-size=${OLD_SPACE_LIMIT_MB}`, "--import", "tsx", import.meta.filename, "--child", workspaceId, "--slug", slug], {
      cwd: path.resolve(import.meta.dirname, ".."),
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as Measured) : reject(new Error(`export child exited ${code}`))));
  });
}

async function main(): Promise<void> {
  const N = Number(values.entries);
  const SMALL = Number(values.compare);
  const { createTestDatabase } = await import("../test/database");
  const database = await createTestDatabase();
  process.env.DATABASE_URL = database.url;
  const { db } = await import("../lib/db");
  const { signUp } = await import("../lib/accounts/users");
  const { verifyChain } = await import("../lib/audit/verify");
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const results: { entries: number; measured: Measured; verifyMs: number }[] = [];
    for (const n of [SMALL, N]) {
      const { workspace } = await signUp({ name: "Bench", email: `bench-${randomBytes(4).toString("hex")}@example.test`, password: "correct-horse-battery" });
      let t = performance.now();
      await seed(pool, workspace.id, n);
      // Statistics, as autovacuum keeps them on a live table (a fresh one is planned blind).
      await pool.query(`ANALYZE "AuditEntry"`);
      console.log(`seeded ${n.toLocaleString("en-US")} chained entries in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      t = performance.now();
      const report = await verifyChain(workspace.id);
      const verifyMs = performance.now() - t;
      if (!report.ok || report.checked < n) throw new Error(`the seeded chain does not verify: ${JSON.stringify(report)}`);
      console.log(`verify integrity: ${report.checked.toLocaleString("en-US")} entries intact in ${(verifyMs / 1000).toFixed(1)} s`);
      const measured = await measure(workspace.id, workspace.slug, database.url);
      if (measured.rows !== report.checked) throw new Error(`exported ${measured.rows} rows, expected ${report.checked}`);
      results.push({ entries: n, measured, verifyMs });
      const m = measured;
      console.log(
        `export ${n.toLocaleString("en-US")}: ${m.rows.toLocaleString("en-US")} rows, ${mb(m.bytes).toFixed(1)} MB in ${(m.ms / 1000).toFixed(2)} s ` +
          `(${Math.round(m.rows / (m.ms / 1000)).toLocaleString("en-US")} rows/s); RSS ${m.rssBeforeMb.toFixed(0)} → peak ${m.rssPeakMb.toFixed(0)} MB; heap ${m.heapBeforeMb.toFixed(1)} MB, live peak ${m.liveHeapPeakMb.toFixed(1)} MB (+${m.liveHeapGrowthMb.toFixed(1)}), peak incl. garbage ${m.heapPeakMb.toFixed(1)} MB`,
      );
    }
    const [small, large] = results as [(typeof results)[0], (typeof results)[0]];
    // Bounded: ten times the rows, about the same memory (a little slack for allocator noise).
    const bounded = large.measured.rssPeakMb < small.measured.rssPeakMb * 1.25 && large.measured.liveHeapGrowthMb < Math.max(small.measured.liveHeapGrowthMb * 2, 8);
    console.log(
      `${(large.entries / small.entries).toFixed(0)}x the rows: peak RSS ${small.measured.rssPeakMb.toFixed(0)} → ${large.measured.rssPeakMb.toFixed(0)} MB, live heap growth ${small.measured.liveHeapGrowthMb.toFixed(1)} → ${large.measured.liveHeapGrowthMb.toFixed(1)} MB (old space capped at ${OLD_SPACE_LIMIT_MB} MB): ${bounded ? "bounded" : "GROWS WITH SIZE"}`,
    );
    console.log(
      JSON.stringify({
        bench: "audit-export",
        results: results.map((r) => ({ entries: r.entries, rows: r.measured.rows, mb: Number(mb(r.measured.bytes).toFixed(1)), seconds: Number((r.measured.ms / 1000).toFixed(2)), peakRssMb: Math.round(r.measured.rssPeakMb), liveHeapGrowthMb: Number(r.measured.liveHeapGrowthMb.toFixed(1)), verifySeconds: Number((r.verifyMs / 1000).toFixed(1)) })),
        bounded,
      }),
    );
    process.exitCode = bounded ? 0 : 1;
  } finally {
    await pool.end();
    await db().$disconnect();
    await database.drop();
  }
}

if (values.child) await child(values.child, values.slug ?? "bench");
else await main();
