/**
 * Intuit's OAuth 2.0 for QuickBooks Online: the authorize URL (no PKCE), the code exchange
 * (the company's realmId arrives on the callback, its name from CompanyInfo), refresh with
 * rotating refresh tokens (each refresh returns a new one and the old one dies), and revoke.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0
 */
import type { ProviderSettings } from "../config";
import { ProviderError, ReauthRequiredError } from "../errors";
import { callProvider, PROVIDER_LIMITS } from "../http";
import type { AccountIdentity, TokenSet } from "../types";
import { classify, createApi, faultError, transportError } from "./request";
import { companyInfoEnvelope, tokenError, tokenResponse } from "./schemas";

type Settings = ProviderSettings<"quickbooks">;

/** Token-endpoint calls share one limiter per app; they are not per-realm API calls. */
const oauthKey = (settings: Settings) => `quickbooks:oauth:${settings.clientId}`;

/** RFC 6749 §2.3.1 client authentication, which Intuit requires on the token and revoke endpoints. */
function basicAuth(settings: Settings): string {
  const pair = `${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

export function authorizeUrl(settings: Settings, params: { state: string; redirectUri: string }): string {
  const url = new URL("/connect/oauth2", settings.urls.authorize);
  url.search = new URLSearchParams({
    client_id: settings.clientId,
    response_type: "code",
    scope: settings.scopes,
    redirect_uri: params.redirectUri,
    state: params.state,
  }).toString();
  return url.toString();
}

type TokenAnswer = { ok: true; tokens: TokenSet } | { ok: false; status: number; error: string; description: string };

/**
 * One POST to the token endpoint. Never retried on its own: a code is single-use and a refresh
 * token rotates, so a repeat after a lost answer would burn the grant. Only a 429 (refused before
 * it did anything) is waited out by the shared layer.
 */
async function tokenRequest(settings: Settings, form: Record<string, string>): Promise<TokenAnswer> {
  return callProvider(oauthKey(settings), PROVIDER_LIMITS.quickbooks, { idempotent: false, classify }, async (signal) => {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${settings.urls.token}/oauth2/v1/tokens/bearer`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded", authorization: basicAuth(settings) },
        body: new URLSearchParams(form).toString(),
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw transportError(error);
    }
    if (response.status === 429 || response.status >= 500) throw faultError(response.status, text, response.headers);
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* classified below */
    }
    if (response.ok) {
      const parsed = tokenResponse.safeParse(json);
      if (!parsed.success) throw new ProviderError("quickbooks", "invalid", "Intuit's token endpoint answered in an unexpected shape", { status: response.status, code: "unexpected_response" });
      const t = parsed.data;
      return {
        ok: true,
        tokens: {
          accessToken: t.access_token,
          refreshToken: t.refresh_token ?? form.refresh_token ?? null,
          expiresAt: t.expires_in === undefined ? null : Date.now() + t.expires_in * 1000,
          scope: t.scope ?? null,
        },
      };
    }
    const error = tokenError.safeParse(json);
    return { ok: false, status: response.status, error: error.success ? error.data.error : `http_${response.status}`, description: error.success ? (error.data.error_description ?? error.data.error) : `HTTP ${response.status}` };
  });
}

function tokenFailure(answer: Extract<TokenAnswer, { ok: false }>, what: string): ProviderError {
  // invalid_client is the app's configuration; invalid_grant here is a used, expired or foreign code.
  return new ProviderError("quickbooks", "invalid", `Intuit refused ${what}: ${answer.description}`, { status: answer.status, code: answer.error });
}

async function companyName(settings: Settings, realmId: string, accessToken: string): Promise<string> {
  // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
  const api = createApi(settings, { accountId: realmId, connectionKey: `quickbooks:${realmId}`, accessToken: async () => accessToken });
  try {
    const answer = await api.call({ method: "GET", path: `/companyinfo/${encodeURIComponent(realmId)}`, schema: companyInfoEnvelope, idempotent: true });
    return answer.CompanyInfo.CompanyName?.trim() || answer.CompanyInfo.LegalName?.trim() || `QuickBooks company ${realmId}`;
  } catch (error) {
    // The grant is good; a name is not worth losing the connection over.
    if (error instanceof ProviderError) return `QuickBooks company ${realmId}`;
    throw error;
  }
}

export async function exchangeCode(settings: Settings, params: { code: string; redirectUri: string; callback: URLSearchParams }): Promise<{ tokens: TokenSet; accounts: AccountIdentity[] }> {
  // The grant is for one company, named by realmId on the redirect back.
  const realmId = params.callback.get("realmId")?.trim();
  if (!realmId) throw new ProviderError("quickbooks", "invalid", "Intuit's callback carries no realmId");
  const answer = await tokenRequest(settings, { grant_type: "authorization_code", code: params.code, redirect_uri: params.redirectUri });
  if (!answer.ok) throw tokenFailure(answer, "the authorization code");
  const displayName = await companyName(settings, realmId, answer.tokens.accessToken);
  return { tokens: answer.tokens, accounts: [{ externalAccountId: realmId, displayName }] };
}

/**
 * Refresh tokens rotate: the answer's refresh_token replaces the old one, which stops working,
 * so the caller must store the returned set before anything else uses it.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/faq
 */
export async function refresh(settings: Settings, tokens: TokenSet): Promise<TokenSet> {
  if (!tokens.refreshToken) throw new ReauthRequiredError("quickbooks", "no refresh token is stored");
  const answer = await tokenRequest(settings, { grant_type: "refresh_token", refresh_token: tokens.refreshToken });
  if (answer.ok) return { ...answer.tokens, scope: answer.tokens.scope ?? tokens.scope };
  if (answer.error === "invalid_grant") throw new ReauthRequiredError("quickbooks", answer.description);
  throw tokenFailure(answer, "the refresh token");
}

/**
 * Revoking the refresh token ends the whole grant (its access tokens too). A token Intuit no
 * longer knows (400) is already as revoked as it gets.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0#revoke-token-disconnect
 */
export async function revoke(settings: Settings, tokens: TokenSet): Promise<void> {
  const token = tokens.refreshToken ?? tokens.accessToken;
  await callProvider(oauthKey(settings), PROVIDER_LIMITS.quickbooks, { idempotent: true, classify }, async (signal) => {
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${settings.urls.revoke}/v2/oauth2/tokens/revoke`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json", authorization: basicAuth(settings) },
        body: JSON.stringify({ token }),
        signal,
      });
      text = await response.text();
    } catch (error) {
      throw transportError(error);
    }
    if (response.ok || response.status === 400) return;
    throw faultError(response.status, text, response.headers);
  });
}
