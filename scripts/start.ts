/**
 * `npm run dev` and `npm run demo`: everything a newcomer needs after `npm ci`.
 * Validates the environment, generates local secrets, opens the database (embedded when
 * DATABASE_URL is unset), applies migrations, sets up the demo (its person, and with the
 * sandboxes its four connections and their first sync), then runs Next.js (dev server, or a
 * production build for the demo, rebuilt only when sources changed). Without INNGEST_*
 * configuration the embedded Inngest executor runs background jobs: inside scripts/server.ts
 * for the demo, and here, next to `next dev`, for dev.
 */
import path from "node:path";
import { db } from "../lib/db/client";
import { ConfigError, inngestMode, parseEnv, requireServerEnv } from "../lib/env";
import { loopbackServeUrl, startEmbeddedInngest } from "../lib/inngest-embedded/host";
import { DEMO_USER, ensureDemo } from "../lib/demo";
import { setUpDemo, summarize, type DemoReady } from "../lib/demo-data";
import { applyMigrations, openLocalDatabase } from "./lib/database";
import { ensureBuild } from "./lib/build";
import { bin, ROOT, start } from "./lib/run";
import { startDemoSandboxes, subscribeDemoWebhooks } from "./lib/sandboxes";
import { ensureDemoPassword, ensureLocalSecrets } from "./lib/secrets";
import { PROVIDERS, portFor } from "../lib/sandbox";

const mode = process.argv[2];
if (mode !== "dev" && mode !== "demo") {
  console.error("usage: tsx scripts/start.ts dev|demo");
  process.exit(2);
}

const PROVIDER_NAMES = "Stripe, QuickBooks, Xero and HubSpot";

function describeDemo(demo: DemoReady, seconds: string, dataDir: string): string {
  const slug = `/w/${demo.setup.workspace.slug}`;
  const idle = demo.connections.filter((c) => c.status !== "ACTIVE").map((c) => `${c.provider} is ${c.status.toLowerCase()}`);
  const note = idle.length ? ` (${idle.join(", ")}: reconnect on the Connections page)` : "";
  if (demo.kind === "ready") return `Demo data: ${slug} is connected to the ${PROVIDER_NAMES} sandboxes${note}`;
  const failed = demo.pulls.filter((p) => p.error).map((p) => `${p.provider}: ${p.error}`);
  const synced = failed.length ? `set up in ${seconds} s, but the first sync failed for ${failed.join("; ")}` : `set up and synced in ${seconds} s`;
  const where = path.relative(ROOT, dataDir) || ".";
  return [
    `Demo data${demo.rebuilt ? " (rebuilt: the sandboxes had lost their accounts)" : ""}: ${slug} connected to the ${PROVIDER_NAMES} sandboxes, the same invoices in each, ${synced}${note}`,
    `  made inconsistent on purpose: ${summarize(demo.inconsistencies) || "nothing new"} (sandbox state in ${where}/sandbox)`,
  ].join("\n");
}

/**
 * The demo person with the printed password, the workspace and, with the sandboxes, its data.
 * Runs lib in this process, so lib's environment (database, encryption key, providers) is set
 * first; the connection is closed again before the app starts.
 */
async function seedDemo(env: NodeJS.ProcessEnv, password: string, dataDir: string): Promise<void> {
  Object.assign(process.env, env);
  const started = Date.now();
  try {
    if (env.CONCORD_PROVIDERS !== "sandbox") {
      await ensureDemo(password);
      return;
    }
    const sandboxes = Object.fromEntries(PROVIDERS.map((p) => [p, `http://127.0.0.1:${portFor(p, env)}`])) as Record<(typeof PROVIDERS)[number], string>;
    try {
      const demo = await setUpDemo({ password, sandboxes });
      console.log(describeDemo(demo, ((Date.now() - started) / 1000).toFixed(1), dataDir));
    } catch (error) {
      console.warn(`Demo data could not be set up (the app starts without it): ${error instanceof Error ? error.message : String(error)}`);
      await ensureDemo(password);
    }
  } finally {
    await db().$disconnect();
  }
}

async function main(): Promise<void> {
  const base = parseEnv(process.env);
  const dataDir = path.resolve(ROOT, base.CONCORD_DATA_DIR);
  const secrets = ensureLocalSecrets(dataDir, process.env);
  // The build needs no database: it runs while the database starts and migrates.
  const build = mode === "demo" ? ensureBuild() : Promise.resolve(0);
  const database = await openLocalDatabase({ databaseUrl: base.DATABASE_URL, dataDir, port: base.EMBEDDED_DB_PORT });
  // `next dev` has no custom server to host the executor: it runs in this process and the dev
  // server's SDK is pointed at it (the demo's server.ts starts its own).
  const embeddedInngest = mode === "dev" && inngestMode(base) === "embedded" ? await startEmbeddedInngest({ serveUrl: loopbackServeUrl(base.HOST, base.PORT) }) : null;
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
    ...embeddedInngest?.env,
  };
  requireServerEnv(parseEnv(childEnv));
  // The demo person's password: DEMO_PASSWORD, or generated once; printed, never given to the app.
  const demoPassword = childEnv.CONCORD_DEMO === "1" ? ensureDemoPassword(dataDir, process.env) : null;
  console.log(database.embedded ? `Embedded PostgreSQL on ${new URL(database.url).host} (data in ${path.relative(ROOT, dataDir)}/pglite)` : "Using DATABASE_URL");

  const stopSandboxes = childEnv.CONCORD_PROVIDERS === "sandbox" ? await startDemoSandboxes(dataDir, childEnv) : async () => {};
  if (childEnv.CONCORD_PROVIDERS === "sandbox") console.log("Provider sandboxes: Stripe, QuickBooks, Xero and HubSpot are local stand-ins (npm run sandbox documents them)");

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await embeddedInngest?.stop();
    await stopSandboxes();
    await database.stop();
    process.exit(code);
  };

  try {
    await applyMigrations(childEnv);
    if (demoPassword) await seedDemo(childEnv, demoPassword, dataDir);
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
  void whenUp(childEnv.APP_URL!, async (appUrl) => {
    if (embeddedInngest) {
      // A function the executor cannot honour stops dev: background jobs never run half-configured.
      const ok = await embeddedInngest.start().then(
        () => true,
        (error: unknown) => (console.error(error instanceof Error ? error.message : error), false),
      );
      if (!ok) {
        next.kill("SIGTERM");
        return shutdown(1);
      }
      // The executor keeps its runs in memory: what a stopped process left undone is finished now.
      await embeddedInngest.executor.send([{ name: "concord/sweep.requested", data: { recover: true } }]);
    }
    // Subscribed once the app answers: Xero checks the endpoint before it sends.
    if (childEnv.CONCORD_PROVIDERS === "sandbox") await subscribeDemoWebhooks(appUrl, childEnv).catch((error) => console.warn("webhook wiring failed:", error));
    // Last, so it is the line people see when the app is ready.
    if (demoPassword) console.log(`\nDemo ready: sign in at ${appUrl}/sign-in as ${DEMO_USER.email} with the password ${demoPassword}\n`);
  });
}

/** Runs `then` once the app answers its health check (gives up after three minutes). */
async function whenUp(appUrl: string, then: (appUrl: string) => Promise<void>): Promise<void> {
  for (let i = 0; i < 360; i++) {
    const up = await fetch(`${appUrl}/api/health`).then((r) => r.ok, () => false);
    if (up) return then(appUrl);
    await new Promise((r) => setTimeout(r, 500));
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
