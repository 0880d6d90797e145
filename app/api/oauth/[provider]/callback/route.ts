import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { completeConnect } from "@/lib/connections/connect";
import { PROVIDER_IDS, type ProviderId } from "@/lib/connectors/types";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { appUrl } from "@/lib/urls";

export const dynamic = "force-dynamic";

/** Where providers send the browser back after consent: one fixed URL per provider. */
export const GET = route<{ params: Promise<{ provider: string }> }>(async (request: NextRequest, { params }) => {
  const { provider } = await params;
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new ApiError("not_found", "No such provider.");
  const user = await currentUser();
  if (!user) return NextResponse.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`, request.url), 303);
  const outcome = await completeConnect(user, provider as ProviderId, request.nextUrl.searchParams);
  const to =
    outcome.kind === "choose"
      ? `/w/${outcome.slug}/connections/choose?flow=${outcome.flowId}`
      : outcome.slug
        ? `/w/${outcome.slug}/connections?notice=${outcome.notice}&provider=${provider}`
        : `/w?notice=${outcome.notice}&provider=${provider}`;
  return NextResponse.redirect(appUrl(to), 303);
});
