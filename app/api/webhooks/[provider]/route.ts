import { NextResponse } from "next/server";
import { PROVIDER_IDS, type ProviderId } from "@/lib/connectors/types";
import { readLimited } from "@/lib/http/body";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { appUrl } from "@/lib/urls";
import { MAX_WEBHOOK_BYTES, receiveWebhook } from "@/lib/webhooks/intake";

export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ provider: string }> }>(async (request, { params }) => {
  const { provider } = await params;
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new ApiError("not_found", "No such webhook endpoint.");
  const rawBody = await readLimited(request, MAX_WEBHOOK_BYTES);
  // The URL as the provider addressed it (HubSpot signs it): the public URL, not the one behind a proxy.
  const url = appUrl(request.nextUrl.pathname + request.nextUrl.search);
  const summary = await receiveWebhook(provider as ProviderId, { method: "POST", url, headers: request.headers, rawBody });
  // Xero expects an empty body (its intent-to-receive check included).
  if (provider === "xero") return new NextResponse(null, { status: 200 });
  return NextResponse.json({ received: summary.events, stored: summary.stored, duplicates: summary.duplicates, ignored: summary.ignored });
});
