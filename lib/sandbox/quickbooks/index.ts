/**
 * QuickBooks Online Accounting API v3 sandbox (port 4102): realms ("companies") with customers,
 * invoices, payments and refund receipts in QuickBooks' JSON, SyncToken locking, the query
 * language, CDC, batch, `requestid` idempotency, Intuit's OAuth 2.0 (realmId on the callback,
 * rotating refresh tokens) and signed webhooks (CloudEvents, or legacy for subscriptions whose
 * `events` include "legacy"). Limits per realm: 500 requests/minute, 10/second per app, 40 batch
 * requests/minute per app and 120 per realm.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#limits-and-throttles
 */
import { header, type SandboxRequest } from "../core/http";
import type { Grant } from "../core/oauth";
import type { Limits, ProviderDefinition, Sandbox } from "../core/sandbox";
import { authenticationFailed, authorizationFailed, errorShapes } from "./errors";
import { registerRoutes } from "./routes";
import { seedRealm } from "./seed";
import { counts, newData, type QuickbooksData } from "./types";
import { normalizeSubscription, RETRY_SCHEDULE_MS } from "./webhooks";

const MINUTE = 60_000;
/** Intuit's refresh tokens live 100 days (rolling); access tokens one hour. */
const REFRESH_TOKEN_TTL_SECONDS = 100 * 86_400;

function authenticate(req: SandboxRequest, sandbox: Sandbox<QuickbooksData>) {
  const auth = header(req, "authorization");
  if (!auth || !/^bearer\s+/i.test(auth)) return authenticationFailed("Authorization header missing or not a Bearer token");
  const grant = sandbox.oauth.grantFor(auth.replace(/^bearer\s+/i, "").trim());
  if (!grant) return authenticationFailed("Token expired or invalid: the access token is unknown, revoked or expired");
  const realmId = req.params.realmId ?? "";
  // The token is for the companies the user connected; any other realm is forbidden.
  if (!grant.accountIds.includes(realmId) || !sandbox.accounts.has(realmId)) return authorizationFailed();
  return { accountId: realmId, grant };
}

function limits(req: SandboxRequest, realmId: string, grant: Grant | null): Limits {
  const app = `${realmId}|${grant?.clientId ?? "-"}`;
  const windows = [
    { name: "realm-minute", key: realmId, max: 500, windowMs: MINUTE },
    { name: "realm-app-second", key: app, max: 10, windowMs: 1000 },
  ];
  if (req.path.toLowerCase().endsWith("/batch")) {
    windows.push({ name: "batch-app-minute", key: app, max: 40, windowMs: MINUTE }, { name: "batch-realm-minute", key: realmId, max: 120, windowMs: MINUTE });
  }
  return { windows };
}

export const quickbooksSandbox: ProviderDefinition<QuickbooksData> = {
  name: "quickbooks",
  label: "QuickBooks Online",
  defaultPort: 4102,
  // Realm ids are long numbers; Intuit's sandbox companies start with 9341.
  newAccountId: (rng) => `9341${String(rng.int(0, 999_999)).padStart(6, "0")}${String(rng.int(0, 999_999)).padStart(6, "0")}`,
  newData,
  counts,
  seed: seedRealm,
  errors: errorShapes,
  oauth: {
    providerLabel: "Intuit QuickBooks",
    // Intuit's access tokens are JWE compact strings; refresh tokens start with AB11.
    tokenPrefix: { access: "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..", refresh: "AB11" },
    rotateRefreshTokens: true,
    pkce: "unsupported",
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
    multiAccount: false,
    callbackExtras: (accountIds) => ({ realmId: accountIds[0] ?? "" }),
    tokenExtras: () => ({ x_refresh_token_expires_in: quickbooksSandbox.oauth.refreshTokenTtlSeconds }),
    paths: { authorize: "/connect/oauth2", token: "/oauth2/v1/tokens/bearer", revoke: "/v2/oauth2/tokens/revoke" },
  },
  authenticate,
  limits,
  routes: (api, _publicRoutes, sandbox) => registerRoutes(api, sandbox),
  webhookRetryScheduleMs: RETRY_SCHEDULE_MS,
  onSubscribe: async (sub) => normalizeSubscription(sub),
};
