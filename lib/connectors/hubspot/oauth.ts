/**
 * HubSpot OAuth 2.0 (authorization code, no PKCE): the install URL, code exchange, refresh,
 * revoke, and the portal a token belongs to. HubSpot refresh tokens don't rotate: the same one
 * keeps working until the app is uninstalled or the token revoked, so a refresh may be repeated.
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
import { ProviderError, ReauthRequiredError } from "../errors";
import { callProvider, PROVIDER_LIMITS } from "../http";
import type { AccountIdentity, Connector, TokenSet } from "../types";
import { abortable, classifyHubspot, isNotFound, sdk, type HubspotSettings } from "./api";
import { accessTokenInfoSchema, tokenResponseSchema } from "./schemas";

/** OAuth calls belong to the app, not to a connection yet: they share one limiter. */
const OAUTH_KEY = "hubspot:oauth";

/** The token endpoint's answers to a refresh token it won't take (unknown, revoked, app uninstalled). */
const DEAD_REFRESH_TOKEN = new Set(["BAD_REFRESH_TOKEN", "invalid_grant"]);

function oauthCall<T>(settings: HubspotSettings, idempotent: boolean, fn: (api: ReturnType<typeof sdk>["oauth"]) => Promise<T>): Promise<T> {
  return callProvider(OAUTH_KEY, PROVIDER_LIMITS.hubspot, { idempotent, classify: classifyHubspot }, (signal) => abortable(fn(sdk(settings).oauth), signal));
}

function tokenSet(raw: unknown, previous: { refreshToken: string | null; scope: string | null }): TokenSet {
  const token = tokenResponseSchema.parse(raw);
  return {
    accessToken: token.accessToken,
    // HubSpot answers a refresh with the same refresh token; keep ours if it ever leaves it out.
    refreshToken: token.refreshToken ?? previous.refreshToken,
    expiresAt: Date.now() + token.expiresIn * 1000,
    scope: previous.scope,
  };
}

/** The app's install URL. HubSpot's has no response_type; scopes are space-separated. */
export function authorizeUrl(settings: HubspotSettings, params: { state: string; redirectUri: string }): string {
  const query = new URLSearchParams({ client_id: settings.clientId, redirect_uri: params.redirectUri, scope: settings.scopes, state: params.state });
  // URLSearchParams writes spaces as "+"; %20 is what HubSpot's own install URLs use.
  return `${settings.urls.app}/oauth/authorize?${query.toString().replace(/\+/g, "%20")}`;
}

/** GET /oauth/v1/access-tokens/{token}: `hub_id` is the portal (the account id), `hub_domain` its name. */
async function identify(settings: HubspotSettings, accessToken: string): Promise<{ account: AccountIdentity; scope: string }> {
  const info = accessTokenInfoSchema.parse(await oauthCall(settings, true, (oauth) => oauth.accessTokensApi.get(accessToken)));
  const id = String(info.hubId);
  return { account: { externalAccountId: id, displayName: info.hubDomain || `HubSpot portal ${id}` }, scope: info.scopes.join(" ") };
}

export function createHubspotOAuth(settings: () => HubspotSettings): Connector["oauth"] {
  return {
    usesPkce: false,

    authorizeUrl: (params) => authorizeUrl(settings(), params),

    // https://developers.hubspot.com/docs/api/oauth/tokens#initiate-an-integration-with-oauth-2-0
    async exchangeCode({ code, redirectUri }) {
      const s = settings();
      // Codes are single-use: a failed exchange is not repeated.
      const raw = await oauthCall(s, false, (oauth) => oauth.tokensApi.create("authorization_code", code, redirectUri, s.clientId, s.clientSecret));
      const tokens = tokenSet(raw, { refreshToken: null, scope: null });
      const { account, scope } = await identify(s, tokens.accessToken);
      return { tokens: { ...tokens, scope: scope || null }, accounts: [account] };
    },

    // https://developers.hubspot.com/docs/api/oauth/tokens#refresh-an-access-token
    async refresh(tokens) {
      const s = settings();
      const refreshToken = tokens.refreshToken;
      if (!refreshToken) throw new ReauthRequiredError("hubspot", "no refresh token is stored for this connection");
      try {
        // Refresh tokens don't rotate, so repeating a refresh that failed in transit is harmless.
        const raw = await oauthCall(s, true, (oauth) => oauth.tokensApi.create("refresh_token", undefined, undefined, s.clientId, s.clientSecret, refreshToken));
        return tokenSet(raw, tokens);
      } catch (error) {
        if (error instanceof ProviderError && error.details.code && DEAD_REFRESH_TOKEN.has(error.details.code)) throw new ReauthRequiredError("hubspot", error.message);
        throw error;
      }
    },

    // https://developers.hubspot.com/docs/api/oauth/tokens#delete-a-refresh-token
    async revoke(tokens) {
      // Deleting the refresh token ends the grant; the access token lapses within 30 minutes.
      const refreshToken = tokens.refreshToken;
      if (!refreshToken) return;
      try {
        await oauthCall(settings(), true, (oauth) => oauth.refreshTokensApi.archive(refreshToken));
      } catch (error) {
        // Already revoked (or the app was uninstalled): the goal is reached.
        if (!isNotFound(error)) throw error;
      }
    },
  };
}
