// Command-line and datasource parsing for the schema-engine stand-in.
//
// The Prisma CLI spawns the engine as
//   schema-engine [--datamodels <path>]... [--datasource <json>] [--<flag> <value>]... [cli <command>]
// and `schema-engine --version`. This module turns that into a plain object and turns a
// postgres:// URL into the discrete node-postgres fields the adapter needs.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// pg-connection-string ships with pg; it understands sslmode, host=/socket/dir, etc.
const { parse: parsePgUrl } = require("pg-connection-string");

/**
 * @param {string[]} argv process.argv.slice(2)
 * @returns {{ version: boolean, datamodels: string[], datasource: { url?: string, shadowDatabaseUrl?: string } | null, cliCommand: string | null, flags: Record<string, string> }}
 */
export function parseArgs(argv) {
  const out = { version: false, datamodels: [], datasource: null, cliCommand: null, flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--version" || arg === "-V") {
      out.version = true;
    } else if (arg === "--datamodels") {
      out.datamodels.push(argv[++i]);
    } else if (arg === "--datasource") {
      out.datasource = JSON.parse(argv[++i] ?? "{}");
    } else if (arg === "cli") {
      out.cliCommand = argv[++i] ?? null;
    } else if (arg.startsWith("--")) {
      // e.g. --enabled-preview-features, --extension-types: accepted, not needed by the wasm engine.
      const next = argv[i + 1];
      out.flags[arg.slice(2)] = next !== undefined && !next.startsWith("--") ? argv[++i] : "true";
    }
  }
  return out;
}

/** Reads the schema files the CLI named, as the wasm engine's `datamodels` option wants them. */
export async function readDatamodels(paths) {
  return Promise.all(paths.map(async (p) => [p, await readFile(p, "utf8")]));
}

/**
 * Turns a postgres URL into node-postgres fields plus the Prisma-specific `schema` parameter.
 * Discrete fields rather than `connectionString`: pg lets a connectionString override `database`,
 * which would silently point adapter-pg's temporary shadow database back at the main one.
 * @param {string} url
 */
export function pgConfigFromUrl(url) {
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw Object.assign(new Error("The datasource URL must start with postgresql:// or postgres://"), {
      errorCode: "P1013",
    });
  }
  const parsed = parsePgUrl(url);
  const schema = new URL(url).searchParams.get("schema") ?? undefined;
  /** @type {import("pg").PoolConfig} */
  const config = {
    host: parsed.host ?? undefined,
    port: parsed.port ? Number(parsed.port) : undefined,
    user: parsed.user ?? undefined,
    password: parsed.password ?? undefined,
    database: parsed.database ?? undefined,
  };
  if (parsed.ssl !== undefined) config.ssl = parsed.ssl;
  if (parsed.options) config.options = parsed.options;
  if (parsed.application_name) config.application_name = parsed.application_name;
  const connectTimeout = new URL(url).searchParams.get("connect_timeout");
  if (connectTimeout) config.connectionTimeoutMillis = Number(connectTimeout) * 1000;
  return { config, schema };
}

/** Removes credentials from a message before it is printed anywhere. */
export function redact(message, ...urls) {
  let text = String(message);
  for (const url of urls) {
    if (!url) continue;
    text = text.split(url).join("<REDACTED>");
    try {
      const { password } = new URL(url);
      // Very short passwords would mangle ordinary words; the full URL is redacted above anyway.
      const secret = decodeURIComponent(password);
      if (secret.length >= 4) text = text.split(secret).join("<REDACTED>");
    } catch {
      // not a URL: nothing more to hide
    }
  }
  return text;
}
