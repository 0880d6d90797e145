/**
 * Bearer authentication and HubSpot's limits. An OAuth access token (or a control-API token)
 * selects the portal. Limits: 100 requests per 10 seconds per portal and app, and the search
 * endpoints 5 requests per second per portal on top; successful answers report the 10-second
 * window in X-HubSpot-RateLimit-* headers.
 * https://developers.hubspot.com/docs/api/usage-details
 */
import { header, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { Grant } from "../core/oauth";
import type { Limits, Sandbox } from "../core/sandbox";
import { expired, SEARCH_RULE, TEN_SECONDLY_MAX, TEN_SECONDLY_RULE, unauthorized } from "./errors";
import type { HubspotData } from "./state";

export function authenticate(req: SandboxRequest, sandbox: Sandbox<HubspotData>): { accountId: string; grant: Grant | null } | SandboxResponse {
  const match = /^Bearer\s+(\S+)$/i.exec(header(req, "authorization") ?? "");
  if (!match) return unauthorized();
  const token = match[1]!;
  const grant = sandbox.oauth.grantFor(token);
  if (grant?.accountIds[0]) return { accountId: grant.accountIds[0], grant };
  const known = sandbox.oauth.state.access[token];
  if (known && !known.revoked) {
    const now = sandbox.clock.now();
    return expired((now - known.expiresAt) * sandbox.clock.scale, known.expiresAt);
  }
  return unauthorized();
}

export function limits(req: SandboxRequest, accountId: string, grant: Grant | null): Limits {
  const general = { name: TEN_SECONDLY_RULE, key: `${accountId}:${grant?.clientId ?? "private"}`, max: TEN_SECONDLY_MAX, windowMs: 10_000 };
  const isSearch = req.method === "POST" && /\/search$/.test(req.path);
  // Search first: a search over its own limit answers with the SECONDLY policy without using up the general window.
  return { windows: isSearch ? [{ name: SEARCH_RULE, key: accountId, max: 5, windowMs: 1_000 }, general] : [general] };
}

export function limitHeaders(remaining: Record<string, number>): Record<string, string> {
  const left = remaining[TEN_SECONDLY_RULE];
  if (left === undefined) return {};
  return { "x-hubspot-ratelimit-max": String(TEN_SECONDLY_MAX), "x-hubspot-ratelimit-remaining": String(left), "x-hubspot-ratelimit-interval-milliseconds": "10000" };
}
