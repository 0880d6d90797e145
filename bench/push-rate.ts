/**
 * Share of each provider's rate limit the sync engine uses while it pushes N invoices' worth of
 * writes to it (issue 7: target >= 85%, zero unhandled 429s). Per target provider, a workspace
 * connected to the payment source and the target, both sandboxes (own processes) seeded with the
 * same business and backfilled; N invoices open in both are paid in the source, then the source's
 * incremental pull starts the real path: pull-connection -> reconcile-invoice -> push-<provider>
 * on the embedded executor -> connector -> the target sandbox over HTTP, each push a
 * record_payment (the payment write and the invoice read back).
 *
 * - QuickBooks, Xero, HubSpot: paid in Stripe (the default payment source), recorded there.
 * - Stripe: paid in QuickBooks (sync rules: payments from QuickBooks), recorded in Stripe as paid
 *   out of band.
 *
 * Measured at the target sandbox (its /_sandbox/stats, sampled every 100 ms): the API requests it
 * served over the busy period (first to last request of the push phase, sweeps included), the
 * rate against each documented window, and the share: requests served / what a perfect client
 * could have been served under all the documented windows over the same period (bursts at each
 * window's start, as the sandbox's fixed windows allow; so a short tail window does not count
 * against the run). 429s the sandbox answered are split into handled (the HTTP layer waited and the
 * push went through) and unhandled (a push attempt failed with a rate-limit error).
 *
 * Xero allows 60 requests a minute: 1,000 pushes (~3 requests each) take 50 minutes; `--count`
 * sets a smaller number for a quicker run.
 *
 *   npm run bench:push-rate [-- --count 1000 --only quickbooks,hubspot] [--timeline: requests per 10 s]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import path from "node:path";
import { parseArgs } from "node:util";
import { createTestDatabase } from "../test/database";

type Name = "stripe" | "quickbooks" | "xero" | "hubspot";
const NAMES: Name[] = ["stripe", "quickbooks", "xero", "hubspot"];

const { values } = parseArgs({ options: { count: { type: "string", default: "1000" }, only: { type: "string" }, seed: { type: "string", default: "7" }, together: { type: "boolean", default: false }, timeline: { type: "boolean", default: false } } });
const COUNT = Number(values.count);
const ONLY = values.only ? values.only.split(",").map((s) => s.trim().toLowerCase()) : NAMES;
if (!Number.isInteger(COUNT) || COUNT < 1) throw new Error("--count must be a positive integer");
for (const name of ONLY) if (!NAMES.includes(name as Name)) throw new Error(`--only takes ${NAMES.join(", ")}; got ${name}`);
const TARGET_SHARE = 0.85;
const ROOT = path.resolve(import.meta.dirname, "..");

/** The documented per-account limits the sandboxes enforce (and answer 429 beyond). */
const DOCUMENTED: Record<Name, { label: string; windows: { max: number; ms: number; label: string }[] }> = {
  stripe: { label: "Stripe", windows: [{ max: 25, ms: 1_000, label: "25/s" }] },
  quickbooks: { label: "QuickBooks", windows: [{ max: 10, ms: 1_000, label: "10/s" }, { max: 500, ms: 60_000, label: "500/min" }] },
  xero: { label: "Xero", windows: [{ max: 60, ms: 60_000, label: "60/min" }] },
  hubspot: { label: "HubSpot", windows: [{ max: 100, ms: 10_000, label: "100/10s" }] },
};
const SOURCE: Record<Name, Name> = { stripe: "quickbooks", quickbooks: "stripe", xero: "stripe", hubspot: "stripe" };
const UPPER = (n: Name) => n.toUpperCase() as "STRIPE" | "QUICKBOOKS" | "XERO" | "HUBSPOT";

/**
 * Requests a client with unlimited demand could be served in `ms` from its first request under
 * fixed windows that each open at the first request after the last one closed (the sandbox's
 * rule): everything a window allows goes at its opening.
 */
function allowance(windows: { max: number; ms: number }[], ms: number): number {
  const open = windows.map(() => ({ start: 0, used: 0 }));
  let t = 0;
  let served = 0;
  for (;;) {
    windows.forEach((w, i) => {
      if (t - open[i]!.start >= w.ms) open[i] = { start: t, used: 0 };
    });
    const room = Math.min(...windows.map((w, i) => w.max - open[i]!.used));
    served += room;
    open.forEach((o) => (o.used += room));
    t = Math.min(...windows.map((w, i) => (open[i]!.used >= w.max ? open[i]!.start + w.ms : Infinity)));
    if (t > ms) return served;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type SandboxProcess = { name: Name; url: string; port: string; child: ChildProcess };

async function startSandbox(name: Name): Promise<SandboxProcess> {
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), [path.join(ROOT, "bench/support/serve-sandbox.ts"), name], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`the ${name} sandbox exited (${code})`)));
  });
  return { name, url, port: new URL(url).port, child };
}

async function call(base: string, method: string, p: string, body?: unknown, headers: Record<string, string> = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const init: RequestInit = { method, headers: { accept: "application/json", ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  for (let attempt = 1; ; attempt++) {
    const r = await fetch(`${base}${p}`, init);
    // Set-up traffic runs at 100x windows, which a burst can still fill: wait a moment.
    if (r.status === 429 && attempt < 50) {
      await r.body?.cancel();
      await sleep(50);
      continue;
    }
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${await r.text()}`);
    return r.json();
  }
}

/** Runs `fn` over `items`, `width` at a time. */
async function eachLimited<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

type Stats = { requests: Record<string, Record<string, number>>; rateLimited: number };
/** API requests the sandbox served (not refused with 429), without its control API. */
function served(stats: Stats): number {
  let n = 0;
  for (const [route, byStatus] of Object.entries(stats.requests)) {
    if (route.includes("/_sandbox") || route.includes("(unmatched)")) continue;
    for (const [status, count] of Object.entries(byStatus)) if (status !== "429") n += count;
  }
  return n;
}
function byRoute(after: Stats, before: Stats): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [route, byStatus] of Object.entries(after.requests)) {
    if (route.includes("/_sandbox")) continue;
    const parts = Object.entries(byStatus)
      .map(([status, count]) => [status, count - (before.requests[route]?.[status] ?? 0)] as const)
      .filter(([, n]) => n > 0)
      .map(([status, n]) => `${n}x${status}`);
    if (parts.length) out[route] = parts.join(" ");
  }
  return out;
}

const RATE_LIMIT_TEXT = /\b429\b|rate.?limit|throttl|too many requests|reached your .*limit/i;

const database = await createTestDatabase();
Object.assign(process.env, {
  DATABASE_URL: database.url,
  CONCORD_PROVIDERS: "sandbox",
  CONCORD_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});
const { startBackgroundApp } = await import("./support/background-app");
const app = await startBackgroundApp();
const { db } = await import("../lib/db");
const { sealTokens } = await import("../lib/connections/tokens");
const { pullConnection } = await import("../lib/sync/pull");

/** Every finished run: how long it took from start to end shows work queued inside the executor. */
const finishedRuns: { fn: string; failed: boolean; startedAt: number; endedAt: number }[] = [];
app.executor.onRunFinished((run) => void finishedRuns.push({ fn: run.functionId.replace(/^concord-/, ""), failed: run.status === "failed", startedAt: run.startedAt, endedAt: run.endedAt ?? Date.now() }));
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
/** Runs finished since `since`, per function: count, failures, p50 and max seconds from start to end. */
function runSummary(since: number): Record<string, string> {
  const out: Record<string, string> = {};
  const mine = finishedRuns.filter((r) => r.endedAt >= since);
  for (const fn of [...new Set(mine.map((r) => r.fn))].sort()) {
    const list = mine.filter((r) => r.fn === fn);
    const seconds = list.map((r) => (r.endedAt - r.startedAt) / 1000).sort((a, b) => a - b);
    const failed = list.filter((r) => r.failed).length;
    out[fn] = `${list.length}${failed ? ` (${failed} failed)` : ""}, p50 ${quantile(seconds, 0.5).toFixed(1)} s, max ${seconds.at(-1)!.toFixed(1)} s`;
  }
  return out;
}

type Result = {
  provider: string;
  count: number;
  pushed: number;
  requests: number;
  seconds: number;
  perSecond: number;
  windows: { window: string; share: number }[];
  share: number;
  rateLimited: number;
  unhandled: number;
  failedAttempts: number;
  gaveUp: number;
};

/** Pays COUNT invoices in `source` and measures each target while the sync engine records them there. */
async function measure(source: Name, targets: Name[]): Promise<Result[]> {
  const sandboxes = {} as Record<Name, SandboxProcess>;
  for (const name of [source, ...targets]) sandboxes[name] = await startSandbox(name);
  try {
    for (const s of Object.values(sandboxes)) process.env[`SANDBOX_${s.name.toUpperCase()}_PORT`] = s.port;
    const label = targets.map((t) => DOCUMENTED[t].label).join(" + ");
    const workspace = await db().workspace.create({
      data: { name: `Push rate ${label}`, slug: `push-rate-${targets.join("-")}-${randomBytes(3).toString("hex")}`, settings: { syncRules: { payments: UPPER(source) } } },
    });
    const connections = {} as Record<Name, { id: string; accountId: string; accessToken: string }>;
    for (const s of Object.values(sandboxes)) {
      // Tokens that outlive the run (no refreshes in the measurement), and fast windows while setting up.
      await call(s.url, "POST", "/_sandbox/oauth", { accessTokenTtlSeconds: 31_536_000, refreshTokenTtlSeconds: 31_536_000 });
      await call(s.url, "POST", "/_sandbox/clock", { scale: 100 });
      const account = await call(s.url, "POST", "/_sandbox/accounts", { name: `Push rate ${s.name}` });
      // About a third of the seeded invoices are open: enough for COUNT, with some to spare.
      await call(s.url, "POST", "/_sandbox/seed", { accountId: account.accountId, seed: `push-rate-${values.seed}`, customers: 200, invoices: Math.ceil(COUNT * 3.3) + 60, currencies: ["USD", "EUR", "GBP"] });
      const connection = await db().connection.create({
        data: {
          workspaceId: workspace.id,
          provider: UPPER(s.name),
          externalAccountId: account.accountId,
          displayName: `Push rate ${s.name}`,
          ...sealTokens({ accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + 30 * 86_400_000, scope: null }),
        },
      });
      connections[s.name] = { id: connection.id, accountId: account.accountId, accessToken: account.accessToken };
    }
    const setupStarted = performance.now();
    for (const name of [source, ...targets]) {
      const pulled = await pullConnection(connections[name].id, "BACKFILL");
      if (pulled.error) throw new Error(`backfill of ${name}: ${pulled.error}`);
    }
    type Chip = { provider: string; externalId: string; status: string };
    const open = await db().invoice.findMany({
      where: { workspaceId: workspace.id, status: "OPEN", disagreement: false, providers: { hasEvery: [source, ...targets].map(UPPER) } },
      select: { id: true, systems: true },
      orderBy: { issueDate: "asc" },
    });
    const chosen = open.filter((i) => (i.systems as Chip[]).every((c) => c.status === "OPEN")).slice(0, COUNT);
    if (chosen.length < COUNT) throw new Error(`only ${chosen.length} invoices are open in ${[source, ...targets].join(", ")}`);

    // The targets' real windows from here on; wait until the set-up's requests are out of every
    // window (the sandbox's and Concord's own limiter), so the push phase starts with a full
    // allowance. The source keeps its fast windows: it is not measured, and the payments made
    // there below must not hold back the pull that starts the phase.
    for (const t of targets) await call(sandboxes[t].url, "POST", "/_sandbox/clock", { scale: 1 });
    await sleep(Math.max(...targets.flatMap((t) => DOCUMENTED[t].windows.map((w) => w.ms))) + 1_500);

    const watched = await Promise.all(
      targets.map(async (target) => {
        const before = (await call(sandboxes[target].url, "GET", "/_sandbox/stats")) as Stats;
        return { target, before, base: served(before), samples: [] as { t: number; n: number }[], pushed: 0 };
      }),
    );
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        await Promise.all(
          watched.map(async (w) => {
            const stats = (await call(sandboxes[w.target].url, "GET", "/_sandbox/stats")) as Stats;
            w.samples.push({ t: performance.now(), n: served(stats) - w.base });
          }),
        );
        await sleep(100);
      }
    })();
    const phaseStarted = new Date();
    // Paid in the source, as its users would, straight through its API; only now, after the wait:
    // a sweep pulling the source earlier would start pushes before the baseline (one during the
    // payments starts some a little early, and they count).
    const src = sandboxes[source];
    const auth = { authorization: `Bearer ${connections[source].accessToken}` };
    const idIn = (i: (typeof chosen)[number]) => (i.systems as Chip[]).find((c) => c.provider === UPPER(source))!.externalId;
    await eachLimited(chosen, 8, async (invoice) => {
      const id = idIn(invoice);
      if (source === "stripe") {
        await call(src.url, "POST", `/v1/invoices/${id}/pay`, "paid_out_of_band=true", { ...auth, "content-type": "application/x-www-form-urlencoded" });
      } else {
        const base = `/v3/company/${connections.quickbooks.accountId}`;
        const { Invoice: inv } = await call(src.url, "GET", `${base}/invoice/${id}`, undefined, auth);
        await call(src.url, "POST", `${base}/payment`, { CustomerRef: { value: inv.CustomerRef.value }, CurrencyRef: inv.CurrencyRef, TotalAmt: inv.Balance, Line: [{ Amount: inv.Balance, LinkedTxn: [{ TxnId: inv.Id, TxnType: "Invoice" }] }] }, auth);
      }
    });
    console.log(`${label}: set up in ${((performance.now() - setupStarted) / 1000).toFixed(0)} s (${chosen.length} invoices paid in ${source}); pushing...`);
    await app.send([{ name: "concord/connection.pull", data: { connectionId: connections[source].id, kind: "INCREMENTAL" } }]);

    const slowest = Math.max(...targets.map((t) => ({ stripe: 6, quickbooks: 3, xero: 3, hubspot: 5 })[t] * Math.max(...DOCUMENTED[t].windows.map((w) => w.ms / w.max))));
    const deadline = performance.now() + ((COUNT * slowest) / 1000) * 2 * 1000 + 300_000;
    const ids = chosen.map((c) => c.id);
    let lastReport = performance.now();
    while (performance.now() < deadline) {
      for (const w of watched) w.pushed = (await db().auditEntry.groupBy({ by: ["subjectId"], where: { workspaceId: workspace.id, connectionId: connections[w.target].id, action: "sync.push.record_payment", subjectId: { in: ids } } })).length;
      if (watched.every((w) => w.pushed >= COUNT)) break;
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        console.log(`  pushed ${watched.map((w) => `${w.target} ${w.pushed}/${COUNT} (${w.samples.at(-1)?.n ?? 0} requests)`).join(", ")}`);
      }
      await sleep(1_000);
    }
    await sleep(2_000);
    sampling = false;
    await sampler;
    // Push runs end a little after their write is audited, or much later when queued in the executor.
    const pushRunsDone = () => targets.every((t) => finishedRuns.filter((r) => r.fn === `push-${t}` && r.endedAt >= phaseStarted.getTime()).length >= COUNT);
    for (const until = performance.now() + 600_000; !pushRunsDone() && performance.now() < until; ) await sleep(500);

    const results: Result[] = [];
    for (const { target, before, samples, pushed } of watched) {
      const documented = DOCUMENTED[target];
      const after = (await call(sandboxes[target].url, "GET", "/_sandbox/stats")) as Stats;
      // The busy period: from the first request of the push phase to the last, sampled every 100 ms.
      const total = samples.at(-1)!.n;
      const first = samples.find((s) => s.n > 0);
      const last = samples.find((s) => s.n === total);
      const seconds = first && last ? Math.max(0.001, (last.t - first.t) / 1000) : 0;
      const perSecond = total / seconds;
      const windows = documented.windows.map((w) => ({ window: w.label, share: perSecond / ((w.max * 1000) / w.ms) }));
      const share = total / allowance(documented.windows, seconds * 1000);
      const failures = await db().auditEntry.findMany({
        where: { workspaceId: workspace.id, connectionId: connections[target].id, action: { startsWith: "sync.push_failed." }, at: { gte: phaseStarted } },
        select: { changes: true },
      });
      const messages = failures.map((f) => String((f.changes as { error?: unknown } | null)?.error ?? ""));
      const unhandled = messages.filter((m) => RATE_LIMIT_TEXT.test(m)).length;
      const gaveUp = await db().pushFailure.count({ where: { connectionId: connections[target].id } });
      const rateLimited = after.rateLimited - before.rateLimited;

      console.log(`${documented.label}: ${pushed}/${COUNT} payments pushed; ${total} requests in ${seconds.toFixed(1)} s = ${perSecond.toFixed(2)}/s (${(total / Math.max(1, pushed)).toFixed(2)} per push)`);
      console.log(`  rate vs each documented window: ${windows.map((w) => `${w.window} ${(w.share * 100).toFixed(1)}%`).join(", ")}; share of the allowance over the busy period: ${(share * 100).toFixed(1)}% (target >= ${TARGET_SHARE * 100}%)`);
      console.log(`  429s answered: ${rateLimited} (handled ${rateLimited - unhandled}, unhandled ${unhandled}); push attempts failed: ${failures.length}${messages.length ? ` e.g. "${messages[0]!.slice(0, 160)}"` : ""}; pushes given up: ${gaveUp}`);
      console.log(`  requests by route: ${JSON.stringify(byRoute(after, before))}`);
      if (values.timeline && first) {
        // Requests served in each 10 s of the busy period: where a shortfall is (start, middle, tail).
        const served10s: number[] = [];
        for (let t = first.t, prev = 0; t <= last!.t; t += 10_000) {
          const n = samples.findLast((s) => s.t <= t + 10_000)!.n;
          served10s.push(n - prev);
          prev = n;
        }
        console.log(`  requests per 10 s: ${served10s.join(" ")}`);
      }
      results.push({ provider: target, count: COUNT, pushed, requests: total, seconds: Number(seconds.toFixed(1)), perSecond: Number(perSecond.toFixed(2)), windows, share: Number(share.toFixed(3)), rateLimited, unhandled, failedAttempts: failures.length, gaveUp });
    }
    console.log(`runs finished while pushing (count, start-to-end seconds): ${JSON.stringify(runSummary(phaseStarted.getTime()))}`);
    // Off the sweep's list: the next run's sandboxes must see only their own workspace's traffic.
    await db().connection.updateMany({ where: { workspaceId: workspace.id }, data: { status: "DISCONNECTED", disconnectedAt: new Date() } });
    return results;
  } finally {
    for (const s of Object.values(sandboxes)) s.child.kill("SIGTERM");
  }
}

const results: Result[] = [];
try {
  const selected = NAMES.filter((n) => ONLY.includes(n));
  if (values.together) results.push(...(await measure("stripe", selected.filter((n) => n !== "stripe"))));
  else for (const target of selected) results.push(...(await measure(SOURCE[target], [target])));
  for (const r of results) console.log(JSON.stringify({ bench: "push-rate", ...r }));
  process.exitCode = results.every((r) => r.pushed === r.count && r.share >= TARGET_SHARE && r.unhandled === 0) ? 0 : 1;
} finally {
  await app.stop();
  await db().$disconnect();
  if (process.env.BENCH_KEEP_DB === "1") console.log(`database kept: ${database.url}`);
  else await database.drop();
}
