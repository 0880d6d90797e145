/**
 * Xero's OAuth 2.0 / OpenID Connect server on its own paths: authorize at
 * login.xero.com/identity/connect/authorize, tokens at identity.xero.com/connect/token (client
 * secret in Basic auth or the body; PKCE S256), revocation at /connect/revocation. Access tokens
 * last 30 minutes, refresh tokens 60 days and rotate on use; one grant may cover several
 * organisations. Token answers carry an OIDC `id_token` when `openid` was asked for.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow
 * https://developer.xero.com/documentation/guides/oauth2/pkce-flow
 */
import { createHash, randomBytes } from "node:crypto";
import type { Grant, OAuthConfig } from "../core/oauth";

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

function userId(clientId: string): string {
  const hex = createHash("sha256").update(`xero-sandbox-user:${clientId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A JWT-shaped id_token with Xero's claims. Its signature is random bytes: the sandbox publishes
 * no JWKS, so clients must not verify it against Xero's keys.
 */
function idToken(grant: Grant): string {
  const now = Math.floor(Date.now() / 1000);
  const sub = userId(grant.clientId);
  const claims = {
    nbf: now,
    exp: now + 300,
    iss: "https://identity.xero.com",
    aud: grant.clientId,
    iat: now,
    auth_time: now,
    sub,
    xero_userid: sub,
    global_session_id: randomBytes(16).toString("hex"),
    preferred_username: "sandbox.user@example.test",
    email: "sandbox.user@example.test",
    given_name: "Sandbox",
    family_name: "User",
    name: "Sandbox User",
    amr: ["pwd"],
  };
  return `${base64url({ alg: "RS256", kid: "sandbox", typ: "JWT" })}.${base64url(claims)}.${randomBytes(64).toString("base64url")}`;
}

export const oauthConfig: OAuthConfig & { paths: { authorize: string; token: string; revoke: string } } = {
  providerLabel: "Xero",
  tokenPrefix: { access: "xero_at_", refresh: "xero_rt_" },
  rotateRefreshTokens: true,
  pkce: "supported",
  accessTokenTtlSeconds: 1800,
  refreshTokenTtlSeconds: 60 * 86_400,
  multiAccount: true,
  tokenExtras: (grant) => ({ token_type: "Bearer", ...(grant.scope.split(/\s+/).includes("openid") ? { id_token: idToken(grant) } : {}) }),
  paths: { authorize: "/identity/connect/authorize", token: "/connect/token", revoke: "/connect/revocation" },
};
