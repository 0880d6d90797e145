import { PROVIDER_IDS, type ProviderId } from "@/lib/connectors/types";
import { readLimited } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { appUrl } from "@/lib/urls";
import { announceDeliveries, MAX_WEBHOOK_BYTES, receiveWebhook } from "@/lib/webhooks/intake";
import { answerFor } from "@/lib/webhooks/respond";

export const dynamic = "force-dynamic";

/**
 * Webhook intake under `next dev` and any deployment that serves Next.js directly; the app's own
 * server (scripts/server.ts) answers these requests earlier with lib/webhooks/node-handler.ts.
 */
export const POST = route<{ params: Promise<{ provider: string }> }>(async (request, { params }) => {
  const { provider } = await params;
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new ApiError("not_found", "No such webhook endpoint.");
  const rawBody = await readLimited(request, MAX_WEBHOOK_BYTES);
  // The URL as the provider addressed it (HubSpot signs it): the public URL, not the one behind a proxy.
  const url = appUrl(request.nextUrl.pathname + request.nextUrl.search);
  const summary = await receiveWebhook(provider as ProviderId, { method: "POST", url, headers: request.headers, rawBody });
  const answer = answerFor(provider as ProviderId, summary);
  announceDeliveries(summary);
  return new Response(answer.body, { status: answer.status, headers: answer.body ? { "content-type": "application/json" } : {} });
});
