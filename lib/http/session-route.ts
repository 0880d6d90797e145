/**
 * Route handlers the app's own pages fetch (TanStack Query): the signed-in person's cookie, the
 * workspace in the URL and the permission are checked exactly as pages check them (401 signed
 * out, 404 outsider, 403 role), then the handler runs with its context.
 */
import type { NextRequest } from "next/server";
import { requireWorkspace, type WorkspaceContext } from "../authz/context";
import type { Permission } from "../authz/permissions";
import { ApiError } from "./errors";
import { route } from "./route";

type Params = { workspace: string } & Record<string, string>;

export function sessionRoute<P extends Params>(permission: Permission, handler: (ctx: WorkspaceContext, request: NextRequest, params: P) => Promise<Response>) {
  return route<{ params: Promise<P> }>(async (request, { params }) => {
    const { currentUser } = await import("../auth/session");
    const user = await currentUser();
    if (!user) throw new ApiError("unauthorized", "Sign in first.");
    const resolved = await params;
    const ctx = await requireWorkspace(user, resolved.workspace, permission);
    return handler(ctx, request, resolved);
  });
}
