/**
 * Stripe Connect OAuth on Stripe's paths: GET/POST /oauth/authorize (the approve/deny page),
 * POST /oauth/token and POST /oauth/deauthorize. The platform authenticates with its secret key
 * (Bearer, Basic user name or `client_secret`) and names no redirect_uri at the token step, so
 * these wrap the core's generic OAuth server (kept on /_sandbox/oauth2/*). Token answers carry
 * `stripe_user_id`, `stripe_publishable_key`, `livemode` and `scope`; refresh tokens do not
 * rotate; PKCE is not supported; access tokens are secret keys and do not expire.
 * https://docs.stripe.com/connect/oauth-reference
 */
import { createHash } from "node:crypto";
import { json, parseForm, type Router, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { OAuthConfig } from "../core/oauth";
import type { Sandbox } from "../core/sandbox";
import { isConnected, platformFor } from "./auth";
import { bearer, redactKey } from "./errors";
import type { StripeData } from "./types";
import { recordEvent } from "./webhooks";

const YEAR_SECONDS = 31_536_000;

export const publishableKey = (accountId: string) => `pk_test_${createHash("sha256").update(accountId).digest("base64url").slice(0, 40)}`;

export const oauthConfig: OAuthConfig & { paths: { authorize: string; token: string; revoke: string } } = {
  providerLabel: "Stripe",
  tokenPrefix: { access: "sk_test_", refresh: "rt_", live: "sk_live_" },
  rotateRefreshTokens: false,
  pkce: "unsupported",
  accessTokenTtlSeconds: YEAR_SECONDS,
  refreshTokenTtlSeconds: YEAR_SECONDS,
  multiAccount: false,
  tokenExtras: (grant) => ({
    livemode: false,
    scope: grant.scope || "read_write",
    stripe_user_id: grant.accountIds[0],
    stripe_publishable_key: publishableKey(grant.accountIds[0] ?? ""),
  }),
  paths: { authorize: "/_sandbox/oauth2/authorize", token: "/_sandbox/oauth2/token", revoke: "/_sandbox/oauth2/revoke" },
};

const oauthError = (status: number, error: string, description: string) => json(status, { error, error_description: description });
const CODE_TTL_MS = 10 * 60_000;

export function oauthRoutes(publicRoutes: Router, sandbox: Sandbox<StripeData>): void {
  // The authorization's redirect_uri, which Stripe's token request does not repeat.
  const redirects = new Map<string, { uri: string; expiresAt: number }>();

  const platform = (req: SandboxRequest, form: URLSearchParams): { clientId: string; secret: string } | SandboxResponse => {
    const secret = form.get("client_secret") ?? bearer(req);
    if (!secret) return oauthError(401, "invalid_client", "No authentication was provided. Send your secret API key using the Authorization header, or as a client_secret POST parameter.");
    const clientId = platformFor(sandbox, secret);
    const named = form.get("client_id");
    if (!clientId || (named && named !== clientId)) return oauthError(401, "invalid_client", `Invalid API Key provided: ${redactKey(secret)}`);
    return { clientId, secret };
  };

  publicRoutes
    .add("GET", "/oauth/authorize", (req) => sandbox.oauth.authorizePage(req))
    .add("POST", "/oauth/authorize", (req) => {
      const answer = sandbox.oauth.authorizeDecision(req);
      const location = answer.headers?.location;
      const code = location ? new URL(location).searchParams.get("code") : null;
      if (code) redirects.set(code, { uri: parseForm(req).get("redirect_uri") ?? "", expiresAt: Date.now() + CODE_TTL_MS });
      for (const [k, v] of redirects) if (v.expiresAt < Date.now()) redirects.delete(k);
      return answer;
    })
    .add("POST", "/oauth/token", (req) => {
      const form = parseForm(req);
      const who = platform(req, form);
      if ("status" in who) return who;
      const grantType = form.get("grant_type") ?? "";
      const inner = new URLSearchParams({ grant_type: grantType, client_id: who.clientId, client_secret: who.secret });
      const code = form.get("code");
      if (code !== null) {
        inner.set("code", code);
        inner.set("redirect_uri", redirects.get(code)?.uri ?? "");
        redirects.delete(code);
      }
      const refresh = form.get("refresh_token");
      if (refresh !== null) inner.set("refresh_token", refresh);
      const answer = sandbox.oauth.tokenEndpoint({ ...req, headers: { ...req.headers, authorization: undefined }, rawBody: Buffer.from(inner.toString()) });
      if (answer.status !== 200 || !answer.body || typeof answer.body !== "object") return answer;
      const { expires_in: _expires, ...body } = answer.body as Record<string, unknown>;
      const accountId = body.stripe_user_id;
      if (grantType === "authorization_code" && typeof accountId === "string" && sandbox.data.has(accountId)) {
        recordEvent(sandbox, sandbox.data.get(accountId)!, accountId, { id: null, idempotency_key: null }, "account.application.authorized", application(who.clientId));
      }
      return json(200, body);
    })
    .add("POST", "/oauth/deauthorize", (req) => {
      const form = parseForm(req);
      const who = platform(req, form);
      if ("status" in who) return who;
      const accountId = form.get("stripe_user_id") ?? "";
      if (!accountId) return oauthError(400, "invalid_request", "No stripe_user_id provided.");
      if (!isConnected(sandbox, who.clientId, accountId)) {
        return oauthError(401, "invalid_client", `This application is not connected to stripe account ${accountId}, or that account does not exist.`);
      }
      const { access, refresh } = sandbox.oauth.state;
      for (const tokens of [access, refresh]) {
        for (const t of Object.values(tokens)) if (t.clientId === who.clientId && t.accountIds.includes(accountId)) t.revoked = true;
      }
      const data = sandbox.data.get(accountId);
      if (data) recordEvent(sandbox, data, accountId, { id: null, idempotency_key: null }, "account.application.deauthorized", application(who.clientId));
      return json(200, { stripe_user_id: accountId });
    });
}

const application = (clientId: string) => ({ id: clientId, object: "application", name: "Concord" });
