/**
 * The webhook endpoint as a plain Node.js handler, used by the app's server ahead of Next.js:
 * providers send bursts, and this path answers in about a millisecond of work instead of going
 * through the framework's routing for each delivery. Same rules as app/api/webhooks/[provider].
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { PROVIDER_IDS, type ProviderId } from "../connectors/types";
import { ApiError } from "../http/errors";
import { log, withRequestLogger } from "../log";
import { REQUEST_ID_HEADER, requestIdFrom } from "../request-id";
import { appUrl } from "../urls";
import { announceDeliveries, MAX_WEBHOOK_BYTES, receiveWebhook, type IntakeSummary } from "./intake";
import { answerFor, answerForError, type Answer } from "./respond";

const PATH = /^\/api\/webhooks\/([a-z]+)\/?$/;

/** The provider of a webhook POST, or null for every other request. */
export function webhookProvider(method: string | undefined, url: string | undefined): ProviderId | null {
  if (method !== "POST" || !url) return null;
  const match = PATH.exec(url.split("?")[0]!);
  return match && (PROVIDER_IDS as readonly string[]).includes(match[1]!) ? (match[1] as ProviderId) : null;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "NaN");
    if (declared > MAX_WEBHOOK_BYTES) return reject(new ApiError("payload_too_large", `The body is larger than ${MAX_WEBHOOK_BYTES} bytes.`));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_WEBHOOK_BYTES) {
        req.destroy();
        reject(new ApiError("payload_too_large", `The body is larger than ${MAX_WEBHOOK_BYTES} bytes.`));
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export async function handleWebhook(provider: ProviderId, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  const requestId = requestIdFrom(headers);
  const started = performance.now();
  let summary: IntakeSummary | null = null;
  const answer: Answer = await withRequestLogger(requestId, async () => {
    try {
      const rawBody = await readBody(req);
      summary = await receiveWebhook(provider, { method: "POST", url: appUrl(req.url ?? "/"), headers, rawBody });
      return answerFor(provider, summary);
    } catch (error) {
      const known = answerForError(error);
      if (known) return known;
      log().error({ err: error }, "webhook intake failed");
      return { status: 500, body: JSON.stringify(new ApiError("internal", "Something went wrong on our side.").toJSON()) };
    }
  });
  res.writeHead(answer.status, { [REQUEST_ID_HEADER]: requestId, ...(answer.body ? { "content-type": "application/json" } : {}) });
  res.end(answer.body ?? undefined);
  if (summary) announceDeliveries(summary);
  withRequestLogger(requestId, () => log().debug({ provider, status: answer.status, ms: Math.round(performance.now() - started) }, "webhook"));
}
