/**
 * How many simple GETs (one invoice by id) each sandbox answers per second on one core, so that
 * benchmarks of Concord measure Concord and not the sandbox. Target: >= 2,000/s.
 *
 *   npm run bench:sandbox [-- --seconds 5 --concurrency 32]
 *
 * Each sandbox runs in its own process pinned to CPU 0 (taskset, when available); this process
 * generates the load from CPU 1. The sandbox clock is sped up and the connections are spread over
 * several accounts, so provider limits (Xero allows 5 concurrent calls per organisation) do not
 * cap the measurement.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { seconds: { type: "string", default: "5" }, concurrency: { type: "string", default: "32" } } });
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const TARGET = 2_000;
const ROOT = path.resolve(import.meta.dirname, "..");
const hasTaskset = spawnSync("taskset", ["-c", "0", "true"]).status === 0;

type Probe = { name: string; setup: (base: string, token: string, accountId: string) => Promise<{ url: string; headers: Record<string, string> }> };

const json = async (r: Response) => {
  if (!r.ok) throw new Error(`${r.url}: ${r.status} ${await r.text()}`);
  return r.json();
};

const PROBES: Probe[] = [
  {
    name: "stripe",
    async setup(base, token) {
      const headers = { authorization: `Bearer ${token}` };
      const list = await json(await fetch(`${base}/v1/invoices?limit=1`, { headers }));
      return { url: `${base}/v1/invoices/${list.data[0].id}`, headers };
    },
  },
  {
    name: "quickbooks",
    async setup(base, token, realm) {
      const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
      const list = await json(await fetch(`${base}/v3/company/${realm}/query?query=${encodeURIComponent("select * from Invoice maxresults 1")}`, { headers }));
      return { url: `${base}/v3/company/${realm}/invoice/${list.QueryResponse.Invoice[0].Id}`, headers };
    },
  },
  {
    name: "xero",
    async setup(base, token, tenant) {
      const headers = { authorization: `Bearer ${token}`, "xero-tenant-id": tenant, accept: "application/json" };
      const list = await json(await fetch(`${base}/api.xro/2.0/Invoices?page=1`, { headers }));
      return { url: `${base}/api.xro/2.0/Invoices/${list.Invoices[0].InvoiceID}`, headers };
    },
  },
  {
    name: "hubspot",
    async setup(base, token) {
      const headers = { authorization: `Bearer ${token}` };
      const list = await json(await fetch(`${base}/crm/v3/objects/invoices?limit=1`, { headers }));
      return { url: `${base}/crm/v3/objects/invoices/${list.results[0].id}`, headers };
    },
  },
];

async function startSandbox(name: string): Promise<{ child: ChildProcess; base: string }> {
  const command = [path.join(ROOT, "node_modules/.bin/tsx"), path.join(ROOT, "bench/support/serve-sandbox.ts"), name];
  const child = hasTaskset ? spawn("taskset", ["-c", "0", ...command]) : spawn(command[0]!, command.slice(1));
  child.stderr?.pipe(process.stderr);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`${name} sandbox exited with ${code}`)));
  });
  return { child, base: line.trim() };
}

type Target = { url: string; headers: Record<string, string> };
const ACCOUNTS = 8;

async function load(targets: Target[]): Promise<{ ok: number; failed: Record<number, number>; p99: number }> {
  const deadline = performance.now() + SECONDS * 1000;
  let ok = 0;
  const failed: Record<number, number> = {};
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, i) => {
      const { url, headers } = targets[i % targets.length]!;
      while (performance.now() < deadline) {
        const started = performance.now();
        const response = await fetch(url, { headers });
        await response.arrayBuffer();
        latencies.push(performance.now() - started);
        if (response.status === 200) ok += 1;
        else failed[response.status] = (failed[response.status] ?? 0) + 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { ok, failed, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
}

if (hasTaskset) spawnSync("taskset", ["-cp", "1", String(process.pid)], { stdio: "ignore" });
console.log(`Simple GETs per second, one core per sandbox${hasTaskset ? "" : " (taskset unavailable: not pinned)"}, ${CONCURRENCY} connections, ${SECONDS} s each\n`);
let worst = Infinity;
for (const probe of PROBES) {
  const { child, base } = await startSandbox(probe.name);
  try {
    const post = (p: string, body: unknown) => fetch(`${base}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(json);
    const targets: Target[] = [];
    for (let i = 0; i < ACCOUNTS; i++) {
      const account = await post("/_sandbox/accounts", { name: `Bench ${i}` });
      await post("/_sandbox/seed", { accountId: account.accountId, seed: 1, customers: 5, invoices: 20 });
      targets.push(await probe.setup(base, account.accessToken, account.accountId));
    }
    await post("/_sandbox/clock", { scale: 10_000 });
    await load(targets); // the first pass warms the JIT; the second is measured
    const { ok, failed, p99 } = await load(targets);
    const rate = Math.round(ok / SECONDS);
    worst = Math.min(worst, rate);
    console.log(`${probe.name.padEnd(11)} ${String(rate).padStart(7)} GET/s   p99 ${p99.toFixed(1)} ms   non-200: ${JSON.stringify(failed)}   ${rate >= TARGET ? "ok" : `BELOW ${TARGET}`}`);
  } finally {
    child.kill("SIGTERM");
  }
}
console.log(`\nslowest: ${worst} GET/s (target ${TARGET})`);
process.exit(worst >= TARGET ? 0 : 1);
