/**
 * `npm test`: typecheck, lint, Vitest (unit + integration against PostgreSQL, including the
 * migration drift check) and the Playwright suite, against one throwaway database that is
 * dropped at the end. Ends with one line: `N passed, N failed`.
 * `npm run test:unit` / `npm run test:e2e` run one suite the same way; extra arguments go to it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestDatabase } from "../test/database";
import { bin, run } from "./lib/run";
import { ensureBuild } from "./lib/build";

type Tally = { passed: number; failed: number };
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function readJson(file: string): unknown {
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
}

async function check(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Tally> {
  console.log(`\n── ${name} ──`);
  const code = await run(cmd, args, env);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

const [only, ...extra] = process.argv.slice(2) as [("unit" | "e2e")?, ...string[]];

async function vitest(env: NodeJS.ProcessEnv, out: string): Promise<Tally> {
  console.log("\n── vitest ──");
  const code = await run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`, ...(only ? extra : [])], env);
  const report = readJson(out) as { numPassedTests: number; numFailedTests: number } | undefined;
  if (!report) return { passed: 0, failed: 1 };
  // A crash outside any test still fails the suite.
  return { passed: report.numPassedTests, failed: report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0) };
}

async function playwright(env: NodeJS.ProcessEnv, out: string): Promise<Tally> {
  console.log("\n── playwright ──");
  if (!existsSync(CHROMIUM)) {
    console.error(`Chromium is missing at ${CHROMIUM}. Install it with: sudo apt-get install -y chromium (or set CHROMIUM_PATH).`);
    return { passed: 0, failed: 1 };
  }
  const code = await run(bin("playwright"), ["test", ...(only ? extra : [])], { ...env, PLAYWRIGHT_JSON_OUTPUT_FILE: out });
  const report = readJson(out) as { stats: { expected: number; unexpected: number; flaky: number } } | undefined;
  if (!report) return { passed: 0, failed: 1 };
  const { expected, unexpected, flaky } = report.stats;
  return { passed: expected + flaky, failed: unexpected + (code !== 0 && unexpected === 0 ? 1 : 0) };
}

async function main(): Promise<number> {
  const reports = mkdtempSync(path.join(tmpdir(), "concord-test-"));
  const base = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const tallies: Tally[] = [];
  if (!only) {
    tallies.push(await check("typecheck", bin("tsc"), ["--noEmit"], base));
    tallies.push(await check("lint", bin("eslint"), ["--max-warnings", "0", "."], base));
  }

  // The app's production build, made once up front: the Playwright app serves it and the restart
  // test runs it as a process it kills. (`check` counts a failed build as a failed check.)
  console.log("\n── build ──");
  tallies.push((await ensureBuild(base)) === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });

  const started = Date.now();
  const database = await createTestDatabase();
  console.log(`\nTest database ready in ${Date.now() - started} ms${database.embedded ? " (embedded)" : ""}`);
  const env = { ...base, DATABASE_URL: database.url, CONCORD_TEST_DATABASE_URL: database.url };
  try {
    if (only !== "e2e") tallies.push(await vitest(env, path.join(reports, "vitest.json")));
    if (only !== "unit") tallies.push(await playwright(env, path.join(reports, "playwright.json")));
  } finally {
    await database.drop();
    rmSync(reports, { recursive: true, force: true });
  }

  const passed = tallies.reduce((n, t) => n + t.passed, 0);
  const failed = tallies.reduce((n, t) => n + t.failed, 0);
  console.log(`\n${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    console.log("\n0 passed, 1 failed");
    process.exit(1);
  },
);
