// One-shot commands: `schema-engine --datasource <json> cli <command>`.
//
// The Prisma CLI runs these before `migrate dev`/`db push` (and `migrate reset`) to check the
// database exists and create it if not. Contract: exit 0 on success; on failure exit 1 with one
// free-form stderr line followed by JSON log lines, one of which is
//   {"level":"ERROR","target":"schema_engine::logger","fields":{"error_code":"P1001","message":"..."}}
// (the CLI skips the first line and JSON-parses every other one, so nothing else may go there).
// These need no schema engine, so they use node-postgres directly.
import pg from "pg";
import { pgConfigFromUrl, redact } from "./args.mjs";

const quoteIdent = (name) => `"${String(name).replaceAll('"', '""')}"`;

/** Maps a node-postgres connection error to the native engine's user-facing error. */
export function userFacingConnectionError(error, config) {
  const host = config.host ?? "localhost";
  const location = config.port ? `${host}:${config.port}` : host;
  const database = config.database ?? config.user ?? "postgres";
  switch (error?.code) {
    case "3D000":
      return { code: "P1003", message: `Database \`${database}\` does not exist on the database server at \`${location}\`.` };
    case "28P01":
    case "28000":
      return {
        code: "P1000",
        message: `Authentication failed against database server at \`${host}\`, the provided database credentials for \`${config.user ?? ""}\` are not valid.`,
      };
    case "42501":
      return { code: "P1010", message: `User \`${config.user ?? ""}\` was denied access on the database \`${database}\`` };
    case "42P04":
      return { code: "P1009", message: `Database \`${database}\` already exists on the database server at \`${location}\`` };
    case "ETIMEDOUT":
      return { code: "P1002", message: `The database server at \`${location}\` was reached but timed out.` };
    default:
      if (error?.code && /^[0-9A-Z]{5}$/.test(error.code)) {
        return { code: null, message: error.message };
      }
      return {
        code: "P1001",
        message: `Can't reach database server at \`${location}\`\n\nPlease make sure your database server is running at \`${location}\`.`,
      };
  }
}

async function withClient(config, fn) {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs a maintenance statement from the server's `postgres` database (or template1). */
async function withMaintenanceClient(config, fn) {
  try {
    return await withClient({ ...config, database: "postgres" }, fn);
  } catch (error) {
    if (error?.code !== "3D000") throw error;
    return withClient({ ...config, database: "template1" }, fn);
  }
}

const commands = {
  "can-connect-to-database": (config) => withClient(config, (c) => c.query("SELECT 1")),
  "create-database": (config) =>
    withMaintenanceClient(config, (c) => c.query(`CREATE DATABASE ${quoteIdent(config.database)}`)),
  "drop-database": (config) =>
    withMaintenanceClient(config, (c) => c.query(`DROP DATABASE ${quoteIdent(config.database)}`)),
};

/**
 * @param {string} command
 * @param {{ url?: string } | null} datasource
 * @returns {Promise<number>} the exit code
 */
export async function runCliCommand(command, datasource) {
  const url = datasource?.url;
  let config = {};
  try {
    if (!Object.hasOwn(commands, command)) {
      throw Object.assign(new Error(`Unknown cli command: ${command}`), { errorCode: null });
    }
    if (!url) throw Object.assign(new Error("No datasource URL was given."), { errorCode: "P1012" });
    ({ config } = pgConfigFromUrl(url));
    await commands[command](config);
    return 0;
  } catch (error) {
    // Our own errors carry `errorCode`; anything else came from node-postgres.
    const facing =
      error && Object.hasOwn(error, "errorCode")
        ? { code: error.errorCode, message: error.message }
        : userFacingConnectionError(error, config);
    const message = redact(facing.message, url);
    process.stderr.write(`${message.split("\n")[0]}\n`);
    process.stderr.write(
      JSON.stringify({
        timestamp: new Date().toISOString(),
        level: "ERROR",
        target: "schema_engine::logger",
        fields: { error_code: facing.code, message },
      }) + "\n",
    );
    return 1;
  }
}
