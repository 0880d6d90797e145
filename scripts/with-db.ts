/**
 * Runs a command with DATABASE_URL pointing at the local database: DATABASE_URL when set,
 * otherwise the embedded PostgreSQL (plus an in-memory shadow for `prisma migrate dev`).
 *   npm run db:migrate -- --name add_x     (= prisma migrate dev against the local database)
 *   npm run db -- prisma migrate status
 */
import path from "node:path";
import { parseEnv } from "../lib/env";
import { openLocalDatabase } from "./lib/database";
import { bin, ROOT, run } from "./lib/run";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: tsx scripts/with-db.ts <command> [args...]");
  process.exit(2);
}

const base = parseEnv(process.env);
const database = await openLocalDatabase({
  databaseUrl: base.DATABASE_URL,
  dataDir: path.resolve(ROOT, base.CONCORD_DATA_DIR),
  port: base.EMBEDDED_DB_PORT,
  withShadow: true,
});
const env = {
  ...process.env,
  DATABASE_URL: database.url,
  ...(database.shadowUrl ? { SHADOW_DATABASE_URL: database.shadowUrl } : {}),
};
const executable = command === "prisma" ? bin("prisma") : command;
const code = await run(executable, args, env).finally(() => database.stop());
process.exit(code);
