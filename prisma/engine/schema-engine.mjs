#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, built on @prisma/schema-engine-wasm and
// @prisma/adapter-pg, for machines that cannot download the native binary. prisma.config.ts
// points PRISMA_SCHEMA_ENGINE_BINARY here; the Prisma CLI then runs it exactly like the binary:
//   schema-engine --version
//   schema-engine --datasource <json> cli can-connect-to-database|create-database|drop-database
//   schema-engine [--datamodels <path>]... [--datasource <json>]    (JSON-RPC on stdin/stdout)
// PostgreSQL only (the project's database). See args.mjs, wasm.mjs, adapter.mjs, rpc.mjs and
// cli-commands.mjs for the parts.
import { parseArgs, readDatamodels, redact } from "./args.mjs";

const args = parseArgs(process.argv.slice(2));
const urls = [args.datasource?.url, args.datasource?.shadowDatabaseUrl];
const hide = (message) => redact(message, ...urls);

// Log lines go to stderr as JSON, which is what the CLI expects from the engine there.
const log = (line) => process.stderr.write(line.endsWith("\n") ? line : line + "\n");

async function main() {
  if (args.version) {
    // Kept cheap (no database, no wasm instantiation beyond reading its version) because the CLI
    // calls it for `prisma --version`.
    const { loadSchemaEngineWasm } = await import("./wasm.mjs");
    const wasm = await loadSchemaEngineWasm();
    process.stdout.write(`schema-engine-cli ${wasm.version()} (wasm stand-in)\n`);
    return;
  }

  if (args.cliCommand) {
    const { runCliCommand } = await import("./cli-commands.mjs");
    process.exitCode = await runCliCommand(args.cliCommand, args.datasource);
    return;
  }

  const [{ loadSchemaEngineWasm }, { createAdapterFactory }, { serveJsonRpc }] = await Promise.all([
    import("./wasm.mjs"),
    import("./adapter.mjs"),
    import("./rpc.mjs"),
  ]);
  const wasm = await loadSchemaEngineWasm();
  const adapter = createAdapterFactory(args.datasource ?? {});
  const datamodels = args.datamodels.length > 0 ? await readDatamodels(args.datamodels) : undefined;
  let engine = null;
  let startupError = null;
  try {
    engine = await wasm.SchemaEngine.new({ datamodels }, (line) => log(hide(String(line))), adapter.factory);
  } catch (error) {
    // E.g. an unreachable database (the wasm engine connects at construction). Keep serving so
    // that the CLI gets this error as the answer to its request, as it would from the binary.
    startupError = error;
  }
  serveJsonRpc({ engine, startupError, adapter, redact: hide, log });
}

main().catch((error) => {
  // Startup failure (bad schema, wasm load error): report it the way the CLI reads engine logs.
  log(
    JSON.stringify({
      level: "ERROR",
      target: "schema_engine::logger",
      fields: { message: hide(error?.message ?? String(error)) },
    }),
  );
  process.exit(1);
});
