/**
 * Stripe Connect OAuth: Concord is the platform, a business connects its Stripe account as a
 * connected account. The token endpoint is authenticated with the platform's secret key
 * (`clientSecret`); the answer names the account (`stripe_user_id`), and its access token is that
 * account's API key. Access tokens do not expire; refresh tokens do not rotate; no PKCE.
 * https://docs.stripe.com/connect/oauth-reference
 */
import { kindOfStatus, ProviderError, ReauthRequiredError, retryAfterSeconds } from "../errors";
import { callProvider, PROVIDER_LIMITS } from "../http";
import type { AccountIdentity, TokenSet } from "../types";
import { accountSchema, deauthorizeSchema, oauthErrorSchema, oauthTokenSchema, parse } from "./schemas";
import { classify, stripeSdk, TIMEOUT_MS, type StripeSettings } from "./sdk";

type Answer = { status: number; body: unknown };

/** One form POST to Connect; 429 and 5xx are thrown for the HTTP layer to wait out or retry. */
async function post(settings: StripeSettings, path: string, form: Record<string, string>, idempotent: boolean): Promise<Answer> {
  return callProvider(`stripe:platform:${settings.clientId}`, PROVIDER_LIMITS.stripe, { idempotent, classify, timeoutMs: TIMEOUT_MS }, async (signal) => {
    const res = await fetch(`${settings.urls.connect}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${settings.clientSecret}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams(form).toString(),
      signal,
    });
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null; // judged by status below
    }
    if (res.status === 429 || res.status >= 500) {
      throw new ProviderError("stripe", kindOfStatus(res.status), `Stripe Connect answered ${res.status} to ${path}`, { status: res.status, retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after")) });
    }
    return { status: res.status, body };
  });
}

/** An OAuth error answer (`{ error, error_description }`) as a ProviderError. */
function refused(answer: Answer, what: string): ProviderError {
  const parsed = oauthErrorSchema.safeParse(answer.body);
  const code = parsed.success ? parsed.data.error : undefined;
  const description = parsed.success && parsed.data.error_description ? `: ${parsed.data.error_description}` : "";
  return new ProviderError("stripe", kindOfStatus(answer.status), `Stripe Connect refused ${what} (${code ?? answer.status})${description}`, { status: answer.status, code });
}

function tokenSet(body: unknown, previousRefreshToken: string | null): { tokens: TokenSet; accountId: string } {
  const token = parse(oauthTokenSchema, body, "OAuth token answer");
  return {
    tokens: { accessToken: token.access_token, refreshToken: token.refresh_token ?? previousRefreshToken, expiresAt: null, scope: token.scope ?? null },
    accountId: token.stripe_user_id,
  };
}

export function authorizeUrl(settings: StripeSettings, params: { state: string; redirectUri: string }): string {
  const query = new URLSearchParams({ response_type: "code", client_id: settings.clientId, scope: settings.scopes, state: params.state, redirect_uri: params.redirectUri });
  return `${settings.urls.connect}/oauth/authorize?${query.toString()}`;
}

/**
 * The account's name for the Connections page: its dashboard display name, business name or
 * email, else its id. A connection works without a name, so a failed lookup falls back to the id.
 * https://docs.stripe.com/api/accounts/retrieve
 */
export async function accountIdentity(settings: StripeSettings, accessToken: string, accountId: string): Promise<AccountIdentity> {
  try {
    const answer = await callProvider(`stripe:${accountId}`, PROVIDER_LIMITS.stripe, { idempotent: true, classify, timeoutMs: TIMEOUT_MS }, () => stripeSdk(settings, accessToken).accounts.retrieveCurrent());
    const account = parse(accountSchema, answer, "account");
    return { externalAccountId: accountId, displayName: account.settings?.dashboard?.display_name || account.business_profile?.name || account.email || accountId };
  } catch (error) {
    if (error instanceof ProviderError) return { externalAccountId: accountId, displayName: accountId };
    throw error;
  }
}

/** https://docs.stripe.com/connect/oauth-reference#post-token */
export async function exchangeCode(settings: StripeSettings, code: string): Promise<{ tokens: TokenSet; accounts: AccountIdentity[] }> {
  // A code is single use: never sent twice.
  const answer = await post(settings, "/oauth/token", { grant_type: "authorization_code", code }, false);
  if (answer.status !== 200) throw refused(answer, "the authorization code");
  const { tokens, accountId } = tokenSet(answer.body, null);
  return { tokens, accounts: [await accountIdentity(settings, tokens.accessToken, accountId)] };
}

/** A new access token; the refresh token stays the same. A refused refresh token means connecting again. */
export async function refresh(settings: StripeSettings, tokens: TokenSet): Promise<TokenSet> {
  if (!tokens.refreshToken) throw new ReauthRequiredError("stripe", "no refresh token");
  const answer = await post(settings, "/oauth/token", { grant_type: "refresh_token", refresh_token: tokens.refreshToken }, true);
  if (answer.status !== 200) {
    const error = refused(answer, "the refresh token");
    if (error.details.code === "invalid_grant") throw new ReauthRequiredError("stripe", error.message);
    throw error;
  }
  return tokenSet(answer.body, tokens.refreshToken).tokens;
}

/** Whether the grant behind `accessToken` still works (401/403 say it does not). */
async function grantWorks(settings: StripeSettings, accessToken: string, accountId: string): Promise<boolean> {
  try {
    await callProvider(`stripe:${accountId}`, PROVIDER_LIMITS.stripe, { idempotent: true, classify, timeoutMs: TIMEOUT_MS }, () => stripeSdk(settings, accessToken).accounts.retrieveCurrent());
    return true;
  } catch (error) {
    if (error instanceof ProviderError && (error.kind === "unauthorized" || error.kind === "forbidden")) return false;
    throw error;
  }
}

/**
 * Disconnects the account from the platform. Stripe answers `invalid_client` both to a wrong
 * platform key and to an account that is no longer connected (deauthorized earlier, or by its
 * owner in their dashboard); the two are told apart by trying the access token, so revoking twice
 * succeeds and a broken platform key still fails.
 * https://docs.stripe.com/connect/oauth-reference#post-deauthorize
 */
export async function revoke(settings: StripeSettings, tokens: TokenSet, accountId: string): Promise<void> {
  const answer = await post(settings, "/oauth/deauthorize", { client_id: settings.clientId, stripe_user_id: accountId }, true);
  if (answer.status === 200) {
    parse(deauthorizeSchema, answer.body, "deauthorization answer");
    return;
  }
  if (answer.status === 401 && !(await grantWorks(settings, tokens.accessToken, accountId))) return;
  throw refused(answer, "the deauthorization");
}
