/**
 * Xero's OAuth 2.0 / OpenID Connect over plain HTTP (xero-node's OAuth client hard-codes Xero's
 * identity hosts, so it cannot reach a sandbox): authorize with PKCE, code exchange with client
 * Basic auth, rotating refresh tokens, revocation, and the organisations (tenants) a grant covers.
 * https://developer.xero.com/documentation/guides/oauth2/auth-flow
 * https://developer.xero.com/documentation/guides/oauth2/pkce-flow
 */
import { ProviderError, ReauthRequiredError } from "../errors";
import type { AccountIdentity, TokenSet } from "../types";
import { appCall, fetchJson, parseAnswer, type XeroSettings } from "./api";
import { connectionsSchema, tokenResponseSchema } from "./schemas";

export function authorizeUrl(settings: XeroSettings, params: { state: string; redirectUri: string; codeChallenge: string | null }): string {
  const url = new URL(`${settings.urls.login}/identity/connect/authorize`);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", settings.clientId);
  url.searchParams.set("redirect_uri", params.redirectUri);
  url.searchParams.set("scope", settings.scopes);
  url.searchParams.set("state", params.state);
  if (params.codeChallenge) {
    url.searchParams.set("code_challenge", params.codeChallenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url.toString();
}

function basicAuth(settings: XeroSettings): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString("base64")}`;
}

/**
 * POST /connect/token. Never retried on its own: an authorization code is single-use and a
 * refresh token rotates, so a second attempt after a lost answer would fail anyway (the shared
 * layer still waits out a 429, which Xero refused before doing anything).
 */
async function tokenRequest(settings: XeroSettings, form: Record<string, string>): Promise<TokenSet> {
  const now = Date.now();
  const body = await appCall({ idempotent: false }, (signal) =>
    fetchJson(`${settings.urls.identity}/connect/token`, {
      method: "POST",
      headers: { authorization: basicAuth(settings), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form),
      signal,
    }),
  );
  const token = parseAnswer(tokenResponseSchema, body, "token");
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? null,
    expiresAt: token.expires_in ? now + token.expires_in * 1000 : null,
    scope: token.scope ?? null,
  };
}

/**
 * Every organisation the access token may act on. A grant can cover several; the person picks
 * one in Concord. Only organisations have an accounting API (practice-manager tenants do not).
 * https://developer.xero.com/documentation/guides/oauth2/tenants
 */
export async function listTenants(settings: XeroSettings, accessToken: string): Promise<AccountIdentity[]> {
  const body = await appCall({ idempotent: true }, (signal) => fetchJson(`${settings.urls.api}/connections`, { headers: { authorization: `Bearer ${accessToken}` }, signal }));
  return parseAnswer(connectionsSchema, body, "connections")
    .filter((c) => c.tenantType.toUpperCase() === "ORGANISATION")
    .map((c) => ({ externalAccountId: c.tenantId, displayName: c.tenantName?.trim() || c.tenantId }));
}

export async function exchangeCode(
  settings: XeroSettings,
  params: { code: string; redirectUri: string; codeVerifier: string | null },
): Promise<{ tokens: TokenSet; accounts: AccountIdentity[] }> {
  const tokens = await tokenRequest(settings, {
    grant_type: "authorization_code",
    code: params.code,
    redirect_uri: params.redirectUri,
    ...(params.codeVerifier ? { code_verifier: params.codeVerifier } : {}),
  });
  return { tokens, accounts: await listTenants(settings, tokens.accessToken) };
}

/**
 * Refresh tokens rotate: the answer carries a new one and the old one stops working (Xero allows
 * a 30-minute grace period for a lost answer; callers must not rely on it). A refused refresh
 * token (invalid_grant) means a person has to connect again.
 * https://developer.xero.com/documentation/guides/oauth2/token-types/#refresh-token
 */
export async function refresh(settings: XeroSettings, tokens: TokenSet): Promise<TokenSet> {
  if (!tokens.refreshToken) throw new ReauthRequiredError("xero", "no refresh token is stored for this connection");
  try {
    const next = await tokenRequest(settings, { grant_type: "refresh_token", refresh_token: tokens.refreshToken });
    // Xero always rotates; keep the old one only if an answer ever came without a new one.
    return { ...next, refreshToken: next.refreshToken ?? tokens.refreshToken, scope: next.scope ?? tokens.scope };
  } catch (error) {
    if (error instanceof ProviderError && error.details.code === "invalid_grant") throw new ReauthRequiredError("xero", "Xero refused the refresh token (revoked, expired or already used)");
    throw error;
  }
}

/**
 * Revoking the refresh token ends the whole grant (every organisation it covered). Concord keeps
 * one grant per connection, so that is what disconnecting means; deleting the tenant connection
 * instead (DELETE /connections/{id}) would also cut off other grants of this app to that
 * organisation. https://developer.xero.com/documentation/guides/oauth2/auth-flow/#revoking-tokens
 */
export async function revoke(settings: XeroSettings, tokens: TokenSet): Promise<void> {
  const token = tokens.refreshToken ?? tokens.accessToken;
  await appCall({ idempotent: true }, (signal) =>
    fetchJson(`${settings.urls.identity}/connect/revocation`, {
      method: "POST",
      headers: { authorization: basicAuth(settings), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token }),
      signal,
    }),
  );
}
