/**
 * The embedded PostgreSQL for machines without one: PGlite (Postgres compiled to wasm) served
 * over TCP by pglite-socket, so Prisma, pg and psql talk to it as to any server. Data lives in a
 * directory and survives restarts. PGlite is a single session, so callers keep pools at one
 * connection; `migrate dev` needs a second, in-memory server as its shadow database because
 * PGlite ignores database names.
 */
import { mkdirSync } from "node:fs";
import net from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export type EmbeddedPostgres = { url: string; port: number; stop: () => Promise<void> };

const HOST = "127.0.0.1";

/** Fails with a clear message when something already listens on the port. */
async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`Port ${port} is in use: is another Concord already running? Set EMBEDDED_DB_PORT to use another port.`)
          : err,
      ),
    );
    probe.listen(port, HOST, () => probe.close(() => resolve()));
  });
}

/**
 * Starts PGlite on `port` (0 picks a free one). `dataDir` undefined keeps the data in memory.
 */
export async function startEmbeddedPostgres(opts: { dataDir?: string; port: number }): Promise<EmbeddedPostgres> {
  if (opts.port !== 0) await assertPortFree(opts.port);
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const pg = await PGlite.create(opts.dataDir);
  const server = new PGLiteSocketServer({ db: pg, host: HOST, port: opts.port, maxConnections: 16 });
  await server.start();
  const port = Number(server.getServerConn().split(":").pop());
  let stopped = false;
  return {
    port,
    url: `postgresql://postgres:postgres@${HOST}:${port}/postgres?sslmode=disable`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await pg.close(); // flushes the data directory
    },
  };
}
