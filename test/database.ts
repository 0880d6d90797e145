/**
 * Throwaway databases for tests: each run gets its own database on a local PostgreSQL
 * (DATABASE_URL's server, else 127.0.0.1:5432), migrated, and dropped afterwards. Refuses
 * non-local servers so a test can never touch a real database. Without a reachable server it
 * falls back to an in-memory embedded PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../scripts/lib/database";

export type TestDatabase = { url: string; embedded: boolean; drop: () => Promise<void> };

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);
const DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres";

export function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (!LOCAL_HOSTS.has(host) && process.env.CONCORD_ALLOW_REMOTE_TEST_DB !== "1") {
    throw new Error(`Refusing to run tests against ${host}: tests only use a local PostgreSQL (set CONCORD_ALLOW_REMOTE_TEST_DB=1 to override).`);
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function serverIsReachable(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = withDatabase(process.env.DATABASE_URL ?? DEFAULT_SERVER, "postgres");
  assertLocal(server);
  let database: TestDatabase;
  if (await serverIsReachable(server)) {
    const name = `concord_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    await admin(server, (c) => c.query(`CREATE DATABASE "${name}"`));
    database = {
      url: withDatabase(server, name),
      embedded: false,
      drop: () => admin(server, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
    };
  } else {
    console.warn(`No PostgreSQL at ${new URL(server).host}: testing against an in-memory embedded PostgreSQL.`);
    const embedded = await startEmbeddedPostgres({ port: 0 });
    database = { url: embedded.url, embedded: true, drop: embedded.stop };
  }
  try {
    await applyMigrations({ ...process.env, DATABASE_URL: database.url });
  } catch (error) {
    await database.drop();
    throw error;
  }
  return database;
}
