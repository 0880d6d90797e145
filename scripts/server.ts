/**
 * The production server (`npm start`, and the demo): Next.js behind a plain Node HTTP server that
 * works out the client's address from the socket (and TRUSTED_PROXY_HOPS) and hands it to the
 * app in a signed header, so rate limits per IP cannot be dodged with a forged X-Forwarded-For.
 * Without any INNGEST_* configuration it also runs the embedded Inngest executor
 * (lib/inngest-embedded), which calls the app's /api/inngest like Inngest would.
 */
import http from "node:http";
import next from "next";
import { CLIENT_IP_HEADER, resolveClientIp, signedClientIp } from "../lib/auth/client-ip";
import { ConfigError, inngestMode, parseEnv, requireServerEnv } from "../lib/env";
import { loopbackServeUrl, startEmbeddedInngest } from "../lib/inngest-embedded/host";
import { handleWebhook, webhookProvider } from "../lib/webhooks/node-handler";
import { ROOT } from "./lib/run";

async function main(): Promise<void> {
  // tsx turns on source-mapped stack traces; Next.js creates errors on hot paths, and mapping
  // each one reads source maps from disk. Production stack traces stay as compiled.
  process.setSourceMapsEnabled(false);
  const env = requireServerEnv(parseEnv(process.env));
  // The executor's generated keys and address must be in the environment before Next.js loads
  // the Inngest client, so the app's SDK sends events to it and checks its calls.
  const embedded = inngestMode(env) === "embedded" ? await startEmbeddedInngest({ serveUrl: loopbackServeUrl(env.HOST, env.PORT) }) : null;
  if (embedded) Object.assign(process.env, embedded.env);
  const app = next({ dev: false, dir: ROOT, hostname: env.HOST, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    const webhook = webhookProvider(req.method, req.url);
    if (webhook) return void handleWebhook(webhook, req, res);
    const forwarded = req.headers["x-forwarded-for"];
    const ip = resolveClientIp(req.socket.remoteAddress ?? "", Array.isArray(forwarded) ? forwarded.join(",") : forwarded, env.TRUSTED_PROXY_HOPS);
    req.headers[CLIENT_IP_HEADER] = signedClientIp(ip, env.AUTH_SECRET);
    void handle(req, res);
  });
  server.listen(env.PORT, env.HOST, () => {
    console.log(`Concord ready on http://${env.HOST}:${env.PORT}`);
    // A function the executor cannot honour stops the server: background jobs never run half-configured.
    embedded
      ?.start()
      // The executor keeps its runs in memory: what a stopped process left undone is finished now.
      .then(() => embedded.executor.send([{ name: "concord/sweep.requested", data: { recover: true } }]))
      .catch((error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      });
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      void embedded?.stop();
      server.close(() => process.exit(0));
    });
  }
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
