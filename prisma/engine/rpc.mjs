// The JSON-RPC 2.0 side of the stand-in: what the Prisma CLI speaks to a long-running
// schema-engine over stdin/stdout (one JSON message per line, one request at a time).
//
// Requests are forwarded to the wasm SchemaEngine method of the same name. Differences from the
// wasm API that the native engine hides from the CLI are handled here:
//  - `getDatabaseVersion` is `version` in wasm;
//  - `diff` output is sent to the CLI as a "print" request, answered before `diff` returns;
//  - after `migrate dev` applies pending migrations, createMigration/evaluateDataLoss can fail
//    until devDiagnostic has run for that migrations list, so we run it and retry once;
//  - errors are shaped like the native engine's (code 4466, data.error_code/message/meta).
import readline from "node:readline";

// Connection errors the wasm engine reports by message only, with the native engine's codes.
const CONNECTION_ERROR_CODES = [
  [/^Can't reach database server/, "P1001"],
  [/^Authentication failed against database server/, "P1000"],
  [/does not exist on the database server/, "P1003"],
  [/^Timed out/i, "P1002"],
];

const SHADOW_FACTORY_ERROR = /shadow DB must be provided through an external factory/i;

/**
 * @param {{ engine: any, startupError?: unknown, adapter: { explainExternalErrors(m: string): string, shutdown(): Promise<void> }, redact: (m: string) => string, log: (line: string) => void }} ctx
 */
export function serveJsonRpc({ engine, startupError = null, adapter, redact, log }) {
  let nextOutgoingId = 1;
  const pendingOutgoing = new Map(); // id -> resolve, for our "print" requests to the CLI
  let queue = Promise.resolve(); // serialises incoming requests: the engine runs one at a time
  let shuttingDown = false;

  const send = (message) => process.stdout.write(JSON.stringify(message) + "\n");

  const requestCli = (method, params) =>
    new Promise((resolve) => {
      const id = nextOutgoingId++;
      pendingOutgoing.set(id, resolve);
      send({ jsonrpc: "2.0", id, method, params });
    });

  const toRpcError = (error) => {
    const raw = adapter.explainExternalErrors(error?.message ?? String(error));
    // The wasm engine appends a tracing span list ("   0: crate::fn ... at file.rs:12"); the
    // native engine does not show it to users.
    const message = redact(raw.replace(/\n\s+0: [\s\S]*$/, "").trimEnd());
    // Only Prisma's own codes (P1001...), not Node's (ECONNREFUSED) or Postgres's (42P01).
    let errorCode = [error?.code, error?.errorCode].find((code) => /^P\d{4}$/.test(String(code))) ?? null;
    let meta = error?.meta ?? null;
    let userMessage = message;

    // A failed migration script: say which one, with the native engine's P3018 wording.
    const failedMigration = /apply_migration::apply_script\s+with migration_name="([^"]+)"/.exec(raw)?.[1];
    if (!errorCode && failedMigration) {
      const databaseError = message.replace(/^external connector error\n/, "").replace(/^Error querying the database: /, "");
      errorCode = "P3018";
      meta = { migration_name: failedMigration, database_error: databaseError };
      userMessage =
        "A migration failed to apply. New migrations cannot be applied before the error is recovered from. " +
        "Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve" +
        `\n\nMigration name: ${failedMigration}\n\nDatabase error:\n${databaseError}`;
    } else if (!errorCode) {
      errorCode = CONNECTION_ERROR_CODES.find(([pattern]) => pattern.test(message))?.[1] ?? null;
    }

    return {
      code: 4466,
      message: "An error happened. Check the data field for details.",
      data: { is_panic: Boolean(error?.isPanic) || error instanceof WebAssembly.RuntimeError, message: userMessage, error_code: errorCode, meta },
    };
  };

  const methods = {
    // The wasm method ignores its argument but fails to deserialise one without `datasource`.
    getDatabaseVersion: (params) => engine.version(params?.datasource ? params : undefined),

    async diff(params) {
      const result = await engine.diff(params);
      if (result.stdout !== null && result.stdout !== undefined) {
        await requestCli("print", { content: result.stdout });
      }
      return { exitCode: result.exitCode };
    },

    debugPanic() {
      try {
        engine.debugPanic();
      } catch (error) {
        throw Object.assign(error, { isPanic: true });
      }
    },

    createMigration: (params) => withDevDiagnosticRetry(engine, "createMigration", params, log),
    evaluateDataLoss: (params) => withDevDiagnosticRetry(engine, "evaluateDataLoss", params, log),
  };

  let inFlightId = null;

  const handleRequest = async (request) => {
    const { id, method, params } = request;
    inFlightId = id;
    try {
      if (startupError) throw startupError;
      let result;
      if (Object.hasOwn(methods, method)) {
        result = await methods[method](params);
      } else if (typeof engine[method] === "function" && !method.startsWith("_") && method !== "free") {
        result = await engine[method](params);
      } else {
        send({ jsonrpc: "2.0", id, error: { code: -32601, message: `Method not found: ${method}` } });
        return;
      }
      send({ jsonrpc: "2.0", id, result: result ?? {} });
    } catch (error) {
      log(JSON.stringify({ level: "ERROR", target: "schema_engine::rpc", fields: { message: redact(String(error?.message ?? error)) } }));
      send({ jsonrpc: "2.0", id, error: toRpcError(error) });
    } finally {
      inFlightId = null;
    }
  };

  let exitCode = 0;
  let panicked = false;

  const shutdown = async (code) => {
    exitCode = Math.max(exitCode, code);
    if (shuttingDown) return;
    shuttingDown = true;
    // Never outlive the CLI by more than a few seconds, whatever is stuck.
    setTimeout(() => process.exit(exitCode), 10_000).unref();
    // Nobody is left to answer our "print" requests.
    for (const resolve of pendingOutgoing.values()) resolve(undefined);
    pendingOutgoing.clear();
    // Let the request in flight finish (e.g. a migration being applied), then release pools and
    // any temporary shadow database before leaving. After a panic it will never finish.
    if (!panicked) await queue.catch(() => {});
    await adapter.shutdown().catch(() => {});
    process.exit(exitCode);
  };

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on("line", (line) => {
    if (!line.trim()) return;
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (message.method === undefined && pendingOutgoing.has(message.id)) {
      // The CLI's answer to one of our requests ("print").
      const resolve = pendingOutgoing.get(message.id);
      pendingOutgoing.delete(message.id);
      resolve(message.result);
      return;
    }
    if (message.id === undefined) return; // a notification: nothing to answer
    queue = queue.then(() => handleRequest(message));
  });
  // The CLI ends stdin when it is done with the engine (and sends SIGTERM right after).
  rl.on("close", () => shutdown(0));
  process.on("SIGTERM", () => shutdown(0));
  // A Rust panic inside the wasm engine surfaces as an exception thrown from a promise job, not
  // as a rejection of the request's promise. Answer the request with it, as the native engine
  // reports panics, and exit: the wasm instance is not usable afterwards.
  process.on("uncaughtException", (error) => {
    if (inFlightId !== null) {
      const rpcError = toRpcError(error);
      rpcError.data.is_panic = true;
      send({ jsonrpc: "2.0", id: inFlightId, error: rpcError });
      inFlightId = null;
    }
    log(JSON.stringify({ level: "ERROR", target: "schema_engine::rpc", fields: { message: redact(String(error?.stack ?? error)) } }));
    panicked = true;
    shutdown(101);
  });
  process.on("SIGINT", () => shutdown(130));
}

async function withDevDiagnosticRetry(engine, method, params, log) {
  try {
    return await engine[method](params);
  } catch (error) {
    if (!SHADOW_FACTORY_ERROR.test(String(error?.message))) throw error;
    // The wasm engine sets up its shadow database handling on the first devDiagnostic for a
    // migrations list; `migrate dev` skips that call after applying pending migrations.
    log(JSON.stringify({ level: "INFO", target: "schema_engine::rpc", fields: { message: `${method}: running devDiagnostic first, then retrying` } }));
    await engine.devDiagnostic({ migrationsList: params.migrationsList, filters: params.filters });
    return await engine[method](params);
  }
}
