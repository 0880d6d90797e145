/**
 * End-to-end check of the schema-engine stand-in (prisma/engine/schema-engine.mjs): the real
 * Prisma CLI, driven through it, applies prisma/migrations to an empty throwaway database,
 * records the checksums the native engine expects, and finds no drift against schema.prisma.
 *
 * Uses a new database on the local PostgreSQL (DATABASE_URL's server, else 127.0.0.1:5432) and
 * drops it afterwards; without a reachable server, an in-memory PGlite server instead.
 */
import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const ENGINE = path.join(ROOT, "prisma/engine/schema-engine.mjs");
const PRISMA = path.join(ROOT, "node_modules/prisma/build/index.js");
const SCHEMA = path.join(ROOT, "prisma/schema.prisma");
const MIGRATIONS = path.join(ROOT, "prisma/migrations");
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the Prisma CLI with the stand-in engine against `databaseUrl`. */
function prisma(args: string[], databaseUrl: string, timeoutMs = 60_000): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    // Test the stand-in even where a developer opted into the native engine.
    PRISMA_SCHEMA_ENGINE_BINARY: ENGINE,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    CHECKPOINT_DISABLE: "1",
  };
  delete env.PRISMA_NATIVE_SCHEMA_ENGINE;
  delete env.SHADOW_DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [PRISMA, ...args], { cwd: ROOT, env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const explain = (run: Run) => `exit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;

function migrationNames(): string[] {
  return readdirSync(MIGRATIONS, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

type Database = { url: string; drop: () => Promise<void> };

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function createDatabase(): Promise<Database> {
  const server = new URL(process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres");
  if (!LOCAL_HOSTS.has(server.hostname)) throw new Error(`Refusing to create a test database on ${server.hostname}`);
  server.pathname = "/postgres";
  server.search = "";
  const admin = server.toString();
  const name = `concord_engine_test_${randomBytes(4).toString("hex")}`;
  try {
    await withClient(admin, (c) => c.query(`CREATE DATABASE "${name}"`));
  } catch {
    return startPglite();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(admin, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => {}),
  };
}

/** No PostgreSQL here: an in-memory PGlite served on a free port is an empty database too. */
async function startPglite(): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 8 });
  await server.start();
  const port = server.getServerConn().split(":").pop();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    drop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

describe("prisma CLI with the wasm schema-engine stand-in", () => {
  let database: Database;
  const names = migrationNames();

  beforeAll(async () => {
    database = await createDatabase();
  }, 60_000);

  afterAll(async () => {
    await database?.drop();
  }, 60_000);

  it("has migrations to apply", () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it("`migrate deploy` applies every migration to an empty database", async () => {
    const run = await prisma(["migrate", "deploy"], database.url);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain("All migrations have been successfully applied.");
    for (const name of names) expect(run.stdout).toContain(name);
  }, 90_000);

  it("records sha256(migration.sql) as each migration's checksum, as the native engine does", async () => {
    const { rows } = await withClient(database.url, (c) =>
      c.query<{ migration_name: string; checksum: string; finished: boolean; rolled_back: boolean }>(
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
           FROM _prisma_migrations ORDER BY migration_name`,
      ),
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      expect(row.checksum, row.migration_name).toBe(sha256(path.join(MIGRATIONS, row.migration_name, "migration.sql")));
      expect(row.finished, row.migration_name).toBe(true);
      expect(row.rolled_back, row.migration_name).toBe(false);
    }
  });

  it("`migrate status` reports the database up to date", async () => {
    const run = await prisma(["migrate", "status"], database.url);
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain("Database schema is up to date!");
  }, 60_000);

  it("the drift check finds the migrations and schema.prisma in agreement", async () => {
    const run = await prisma(
      ["migrate", "diff", "--from-config-datasource", "--to-schema", "prisma/schema.prisma", "--exit-code"],
      database.url,
    );
    expect(run.code, explain(run)).toBe(0);
    expect(run.stdout).toContain("No difference detected.");
  }, 60_000);

  it("the drift check exits 2 when the schema has changed", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "concord-drift-"));
    try {
      const changed = path.join(dir, "schema.prisma");
      writeFileSync(changed, `${readFileSync(SCHEMA, "utf8")}\nmodel DriftProbe {\n  id Int @id\n}\n`);
      const run = await prisma(["migrate", "diff", "--from-config-datasource", "--to-schema", changed, "--exit-code"], database.url);
      expect(run.code, explain(run)).toBe(2);
      expect(run.stdout).toContain("DriftProbe");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
