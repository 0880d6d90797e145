/**
 * The app's background half in the bench's own process: the Inngest functions served over HTTP
 * at /api/inngest (the SDK's Node adapter instead of Next.js's route, same functions, same
 * signature checks) and the embedded executor calling them, with the defaults scripts/server.ts
 * runs in production. Benches that measure the sync engine need the functions, not the pages,
 * and this leaves the shared .next build alone.
 *
 * Set lib's environment (DATABASE_URL, CONCORD_PROVIDERS, SANDBOX_*_PORT, the encryption key)
 * first, and import nothing that loads inngest/client before calling this: the client reads the
 * executor's address and keys from the environment when it is created.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { EmbeddedExecutor } from "../../lib/inngest-embedded/executor";

export type BackgroundApp = {
  executor: EmbeddedExecutor;
  /** Sends events as lib does (inngest.send to the executor). */
  send: (events: { name: string; data: Record<string, unknown> }[]) => Promise<void>;
  stop: () => Promise<void>;
};

export async function startBackgroundApp(): Promise<BackgroundApp> {
  let handler: http.RequestListener = (_req, res) => void res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const { startEmbeddedInngest } = await import("../../lib/inngest-embedded/host");
  const embedded = await startEmbeddedInngest({ serveUrl: `http://127.0.0.1:${port}/api/inngest` });
  Object.assign(process.env, embedded.env);
  const { serve } = await import("inngest/node");
  const { inngest } = await import("../../inngest/client");
  const { functions } = await import("../../inngest/functions");
  handler = serve({ client: inngest, functions }) as unknown as http.RequestListener;
  await embedded.start();
  return {
    executor: embedded.executor,
    send: async (events) => void (await inngest.send(events)),
    stop: async () => {
      await embedded.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
