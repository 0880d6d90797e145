/**
 * `npm run dev` and `npm run demo`: everything a newcomer needs after `npm ci`.
 * Validates the environment, generates local secrets, opens the database (embedded when
 * DATABASE_URL is unset), applies migrations, then runs Next.js (dev server, or a production
 * build for the demo, rebuilt only when sources changed).
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createDb } from "../lib/db/client";
import { ConfigError, parseEnv, requireServerEnv } from "../lib/env";
import { DEMO_ACCOUNT, ensureDemo } from "../lib/demo";
import { applyMigrations, openLocalDatabase } from "./lib/database";
import { bin, ROOT, run, start } from "./lib/run";
import { startDemoSandboxes, subscribeDemoWebhooks } from "./lib/sandboxes";
import { ensureLocalSecrets } from "./lib/secrets";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "demo") {
  console.error("usage: tsx scripts/start.ts dev|demo");
  process.exit(2);
}

const BUILD_INPUTS = ["app", "components", "lib", "inngest", "public", "next.config.js", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

function buildIsStale(): boolean {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return BUILD_INPUTS.some((entry) => newestMtime(path.join(ROOT, entry)) > built);
}

/** What a local run shows before any tool is connected; idempotent. */
async function seedDemo(url: string): Promise<void> {
  const client = createDb(url, 1);
  try {
    const workspace = await ensureDemo(client);
    console.log(`Demo workspace /w/${workspace.slug}: sign in as ${DEMO_ACCOUNT.email} / ${DEMO_ACCOUNT.password}`);
  } finally {
    await client.$disconnect();
  }
}

async function main(): Promise<void> {
  const base = parseEnv(process.env);
  const dataDir = path.resolve(ROOT, base.CONCORD_DATA_DIR);
  const secrets = ensureLocalSecrets(dataDir, process.env);
  // The build needs no database: it runs while the database starts and migrates.
  const build =
    mode === "demo" && buildIsStale()
      ? run(bin("next"), ["build"], { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", CONCORD_SKIP_BUILD_TYPECHECK: "1" })
      : Promise.resolve(0);
  const database = await openLocalDatabase({ databaseUrl: base.DATABASE_URL, dataDir, port: base.EMBEDDED_DB_PORT });
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...secrets,
    DATABASE_URL: database.url,
    DATABASE_POOL_MAX: database.embedded ? "1" : String(base.DATABASE_POOL_MAX),
    APP_URL: base.APP_URL ?? `http://${base.HOST}:${base.PORT}`,
    AUTH_TRUST_HOST: "true",
    NEXT_TELEMETRY_DISABLED: "1",
    // The demo account (known password) exists only where asked for, or on the embedded database.
    CONCORD_DEMO: process.env.CONCORD_DEMO || (database.embedded ? "1" : "0"),
    // Without real provider credentials the app talks to the bundled sandboxes.
    CONCORD_PROVIDERS: process.env.CONCORD_PROVIDERS || "sandbox",
  };
  requireServerEnv(parseEnv(childEnv));
  console.log(database.embedded ? `Embedded PostgreSQL on ${new URL(database.url).host} (data in ${path.relative(ROOT, dataDir)}/pglite)` : "Using DATABASE_URL");

  const stopSandboxes = childEnv.CONCORD_PROVIDERS === "sandbox" ? await startDemoSandboxes(dataDir, childEnv) : async () => {};
  if (childEnv.CONCORD_PROVIDERS === "sandbox") console.log("Provider sandboxes: Stripe, QuickBooks, Xero and HubSpot are local stand-ins (npm run sandbox documents them)");

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopSandboxes();
    await database.stop();
    process.exit(code);
  };

  try {
    await applyMigrations(childEnv);
    if (childEnv.CONCORD_DEMO === "1") await seedDemo(database.url);
    const code = await build;
    if (code !== 0) return shutdown(code);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    return shutdown(1);
  }

  const next =
    mode === "dev"
      ? start(bin("next"), ["dev", "-H", base.HOST, "-p", String(base.PORT)], { ...childEnv, NODE_ENV: "development" })
      : start(bin("tsx"), ["scripts/server.ts"], { ...childEnv, NODE_ENV: "production" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      next.kill(signal);
    });
  }
  next.once("exit", (code) => void shutdown(code ?? 0));
  if (childEnv.CONCORD_PROVIDERS === "sandbox") void wireWebhooks(childEnv.APP_URL!, childEnv);
}

/** Subscribes the sandboxes once the app answers (Xero checks the endpoint before it sends). */
async function wireWebhooks(appUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const up = await fetch(`${appUrl}/api/health`).then((r) => r.ok, () => false);
    if (up) {
      await subscribeDemoWebhooks(appUrl, env).catch((error) => console.warn("webhook wiring failed:", error));
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
