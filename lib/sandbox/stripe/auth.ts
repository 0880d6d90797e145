/**
 * Who a request acts for. A secret key (`Authorization: Bearer sk_test_...`, or Basic with the key
 * as user name) is an account's key: the control API's tokens and OAuth access tokens both are.
 * A platform (the OAuth client, its secret being its secret key) acts on a connected account with
 * the `Stripe-Account` header. Plus the `Stripe-Version` check and the 25 requests/second
 * test-mode limit per account.
 * https://docs.stripe.com/api/authentication
 * https://docs.stripe.com/connect/authentication#stripe-account-header
 * https://docs.stripe.com/rate-limits
 */
import { timingSafeEqual } from "node:crypto";
import { header, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { Grant } from "../core/oauth";
import type { Limits, Sandbox } from "../core/sandbox";
import { bearer, errorResponse, fail, invalidKey, noKey, redactKey, StripeApiError } from "./errors";
import type { StripeData } from "./types";

const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The OAuth client (platform) whose secret key this is, if any. */
export function platformFor(sandbox: Sandbox<StripeData>, key: string): string | null {
  for (const [id, client] of Object.entries(sandbox.oauth.state.clients)) if (safeEqual(client.secret, key)) return id;
  return null;
}

/** Whether `accountId` is connected to the platform `clientId` by a grant still in force. */
export function isConnected(sandbox: Sandbox<StripeData>, clientId: string, accountId: string): boolean {
  const now = sandbox.clock.now();
  const { access, refresh } = sandbox.oauth.state;
  for (const tokens of [refresh, access]) {
    for (const t of Object.values(tokens)) if (t.clientId === clientId && !t.revoked && t.expiresAt > now && t.accountIds.includes(accountId)) return true;
  }
  return false;
}

function noAccess(key: string, account: string): StripeApiError {
  return new StripeApiError(403, {
    type: "invalid_request_error",
    code: "account_invalid",
    message: `The provided key '${redactKey(key)}' does not have access to account '${account}' (or that account does not exist). Application access may have been revoked.`,
  });
}

function who(req: SandboxRequest, sandbox: Sandbox<StripeData>): { accountId: string; grant: Grant | null } {
  const version = header(req, "stripe-version");
  if (version !== undefined && !/^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/.test(version)) throw fail.badRequest(`Invalid Stripe API version: ${version}`);
  const key = bearer(req);
  if (!key) throw noKey();
  const onBehalfOf = header(req, "stripe-account");
  const grant = sandbox.oauth.grantFor(key);
  if (grant) {
    const own = grant.accountIds[0]!;
    if (onBehalfOf !== undefined && onBehalfOf !== own) throw noAccess(key, onBehalfOf);
    return { accountId: own, grant };
  }
  const platform = platformFor(sandbox, key);
  if (platform) {
    if (onBehalfOf === undefined) throw fail.badRequest("This sandbox has no platform account of its own: send the Stripe-Account header to act on a connected account.");
    if (!isConnected(sandbox, platform, onBehalfOf)) throw noAccess(key, onBehalfOf);
    return { accountId: onBehalfOf, grant: { clientId: platform, accountIds: [onBehalfOf], scope: "read_write" } };
  }
  const known = sandbox.oauth.state.access[key];
  if (known && !known.revoked && known.expiresAt <= sandbox.clock.now()) {
    throw new StripeApiError(401, { type: "invalid_request_error", code: "api_key_expired", message: `Expired API Key provided: ${redactKey(key)}` });
  }
  throw invalidKey(key);
}

export function authenticate(req: SandboxRequest, sandbox: Sandbox<StripeData>): { accountId: string; grant: Grant | null } | SandboxResponse {
  try {
    return who(req, sandbox);
  } catch (error) {
    if (error instanceof StripeApiError) return errorResponse(error);
    throw error;
  }
}

/** Per account: 25 requests per second in test mode, 100 in live mode (accounts made with `live: true`). */
export function limits(_req: SandboxRequest, accountId: string, _grant: Grant | null, sandbox?: Sandbox<StripeData>): Limits {
  const live = sandbox?.accounts.get(accountId)?.live === true;
  return { windows: [{ name: "global-rate", key: `stripe:${accountId}`, max: live ? 100 : 25, windowMs: 1_000 }] };
}
