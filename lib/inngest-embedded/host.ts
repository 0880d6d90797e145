/**
 * Starts the embedded executor for a process that serves the app: generates an event key and a
 * signing key for this process, opens the executor's API on a loopback port (never reachable
 * from the network), and returns the INNGEST_* variables that point the SDK at it. The SDK
 * then runs as against Inngest Cloud: `send()` posts to `<base>/e/<event key>`, a plain PUT on
 * /api/inngest registers through `<base>/fn/register`, and every request the executor makes to
 * /api/inngest is signed and checked, so no one else can drive the app's functions.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { EventPayloadError, MAX_EVENT_BYTES } from "./events";
import { EmbeddedExecutor, type ExecutorOptions } from "./executor";
import { hashedSigningKey } from "./protocol";
import { UnsupportedConfigError, type RegisteredFunction } from "./registry";

export type EmbeddedInngest = {
  executor: EmbeddedExecutor;
  /** The executor's API, e.g. http://127.0.0.1:41234/ (what INNGEST_BASE_URL names). */
  baseUrl: string;
  /** Set these in the environment of the process that serves /api/inngest (and sends events). */
  env: { INNGEST_BASE_URL: string; INNGEST_EVENT_KEY: string; INNGEST_SIGNING_KEY: string };
  /** Syncs the app's functions (call once the app listens); throws UnsupportedConfigError. */
  start(): Promise<RegisteredFunction[]>;
  stop(): Promise<void>;
};

export type EmbeddedInngestOptions = Omit<ExecutorOptions, "signingKey">;

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_EVENT_BYTES) {
        reject(new EventPayloadError(`the body is larger than ${MAX_EVENT_BYTES} bytes`));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function answer(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** The serve URL for a server listening on `host:port` (a wildcard address is reached on loopback). */
export function loopbackServeUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}/api/inngest`;
}

export async function startEmbeddedInngest(options: EmbeddedInngestOptions): Promise<EmbeddedInngest> {
  const eventKey = randomBytes(24).toString("hex");
  const signingKey = `signkey-embedded-${randomBytes(32).toString("hex")}`;
  const registerToken = `Bearer ${hashedSigningKey(signingKey)}`;
  const executor = new EmbeddedExecutor({ ...options, signingKey });

  const server = http.createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? "/").split("?")[0]!;
      try {
        if (req.method === "POST" && path.startsWith("/e/")) {
          if (!sameSecret(decodeURIComponent(path.slice(3)), eventKey)) return answer(res, 401, { status: 401, error: "Event key not found" });
          const ids = await executor.send(JSON.parse(await readBody(req)));
          return answer(res, 200, { ids, status: 200 });
        }
        if (req.method === "POST" && path === "/fn/register") {
          if (!sameSecret(req.headers.authorization ?? "", registerToken)) return answer(res, 401, { status: 401, error: "Unauthorized" });
          const body = JSON.parse(await readBody(req)) as { functions?: unknown };
          if (!Array.isArray(body.functions)) return answer(res, 400, { status: 400, error: "no functions in the register request" });
          executor.register(body.functions);
          return answer(res, 200, { status: 200, modified: true });
        }
        return answer(res, 404, { status: 404, error: "Not found" });
      } catch (error) {
        if (error instanceof SyntaxError || error instanceof EventPayloadError) return answer(res, 400, { status: 400, error: error.message });
        if (error instanceof UnsupportedConfigError) return answer(res, 400, { status: 400, error: error.message });
        return answer(res, 500, { status: 500, error: error instanceof Error ? error.message : String(error) });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/`;

  return {
    executor,
    baseUrl,
    env: { INNGEST_BASE_URL: baseUrl, INNGEST_EVENT_KEY: eventKey, INNGEST_SIGNING_KEY: signingKey },
    start: () => executor.start(),
    stop: async () => {
      await executor.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
