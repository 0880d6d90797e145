import { NextResponse, type NextRequest } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { GateError, requireWorkspace } from "@/lib/authz/context";
import { startConnect } from "@/lib/connections/connect";
import { PROVIDER_IDS, type ProviderId } from "@/lib/connectors/types";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** "Connect" and "Reconnect": starts the provider's consent flow for this workspace. */
export const GET = route<{ params: Promise<{ workspace: string; provider: string }> }>(async (request: NextRequest, { params }) => {
  const { workspace, provider } = await params;
  const user = await currentUser();
  if (!user) return NextResponse.redirect(new URL(`/sign-in?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`, request.url), 303);
  if (!(PROVIDER_IDS as readonly string[]).includes(provider)) throw new ApiError("not_found", "No such provider.");
  try {
    const ctx = await requireWorkspace(user, workspace, "connections:manage");
    const authorizeUrl = await startConnect(ctx, provider as ProviderId, request.nextUrl.searchParams.get("reconnect"));
    return NextResponse.redirect(authorizeUrl, 303);
  } catch (error) {
    if (error instanceof GateError) throw error;
    if (error instanceof ApiError && error.code === "unprocessable") {
      return NextResponse.redirect(new URL(`/w/${workspace}/connections?notice=not_configured&provider=${provider}`, request.url), 303);
    }
    throw error;
  }
});
