/**
 * Picks the database for a local run: DATABASE_URL when set, otherwise the embedded PostgreSQL
 * with its data under <data dir>/pglite. Migrations are applied before the app starts.
 */
import path from "node:path";
import pg from "pg";
import { startEmbeddedPostgres } from "../../lib/db/embedded";
import { bin, runOrThrow } from "./run";

export type LocalDatabase = {
  url: string;
  embedded: boolean;
  /** Shadow database for `migrate dev` (embedded only: PGlite ignores database names). */
  shadowUrl?: string;
  stop: () => Promise<void>;
};

/** The embedded server another process (a running demo) already serves on `port`, if any. */
async function runningEmbedded(port: number): Promise<string | null> {
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
  try {
    await client.connect();
    return url;
  } catch {
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function openLocalDatabase(opts: {
  databaseUrl?: string;
  dataDir: string;
  port: number;
  withShadow?: boolean;
  /** Use the embedded server of a running demo instead of failing on the busy port. */
  reuseRunning?: boolean;
}): Promise<LocalDatabase> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, stop: async () => {} };
  const running = opts.reuseRunning ? await runningEmbedded(opts.port) : null;
  if (running) return { url: running, embedded: true, stop: async () => {} };
  const main = await startEmbeddedPostgres({ dataDir: path.join(opts.dataDir, "pglite"), port: opts.port });
  const shadow = opts.withShadow ? await startEmbeddedPostgres({ port: 0 }) : undefined;
  return {
    url: main.url,
    embedded: true,
    shadowUrl: shadow?.url,
    stop: async () => {
      await shadow?.stop();
      await main.stop();
    },
  };
}

export async function applyMigrations(environment: NodeJS.ProcessEnv): Promise<void> {
  await runOrThrow(bin("prisma"), ["migrate", "deploy"], environment);
}
