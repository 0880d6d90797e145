/**
 * REST API route handlers (/api/v1): the API key in `Authorization: Bearer <key>` selects the
 * workspace and the role (401 when missing, unknown or revoked), the permission is checked (403),
 * then the handler runs with its context. Errors answer `{ error: { code, message, fields? } }`.
 */
import type { NextRequest } from "next/server";
import { contextForApiKey } from "../api-keys";
import { assertCan, type WorkspaceContext } from "../authz/context";
import type { Permission } from "../authz/permissions";
import { ApiError } from "./errors";
import { route } from "./route";

type Params = Record<string, string | string[]>;
type ApiHandler<P extends Params> = (ctx: WorkspaceContext, request: NextRequest, params: P) => Promise<Response>;

async function authenticate(request: Request): Promise<WorkspaceContext> {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError("unauthorized", "Send an API key as Authorization: Bearer <key>.");
  const ctx = await contextForApiKey(match[1]!);
  if (!ctx) throw new ApiError("unauthorized", "This API key is not valid or has been revoked.");
  return ctx;
}

export function apiRoute<P extends Params = Params>(permission: Permission, handler: ApiHandler<P>) {
  return route<{ params: Promise<P> }>(async (request, { params }) => {
    const ctx = await authenticate(request);
    assertCan(ctx, permission);
    return handler(ctx, request, await params);
  });
}

/** JSON with BigInt (money) written as strings, so no amount loses precision on the way out. */
export function json(data: unknown, init?: ResponseInit): Response {
  const body = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  const headers = new Headers(init?.headers);
  if (!headers.has("content-type")) headers.set("content-type", "application/json");
  return new Response(body, { ...init, headers });
}
