/**
 * The HubSpot CRM sandbox: CRM v3 objects (invoices, contacts, companies) with search and
 * associations, HubSpot's OAuth (non-rotating refresh tokens, token info), signed v3 webhooks,
 * and the documented rate limits. Portals are numeric ids ("144771234").
 */
import type { ProviderDefinition } from "../core/sandbox";
import { associationRoutes } from "./associations-api";
import { authenticate, limitHeaders, limits } from "./auth";
import { rateLimited, routeNotFound, serverError, tooLarge, unauthorized } from "./errors";
import { objectRoutes } from "./objects";
import { oauthRoutes } from "./oauth";
import { searchRoutes } from "./search";
import { seed } from "./seed";
import { counts, newData, type HubspotData } from "./state";
import { RETRY_SCHEDULE_MS } from "./webhooks";

export type { HubspotData };

export const hubspotSandbox: ProviderDefinition<HubspotData> = {
  name: "hubspot",
  label: "HubSpot",
  defaultPort: 4104,
  newAccountId: (rng) => String(rng.int(100_000_000, 249_999_999)),
  newData,
  counts,
  seed,
  errors: {
    unauthorized: () => unauthorized(),
    notFound: (req) => routeNotFound(req.path),
    rateLimited,
    serverError,
    tooLarge,
  },
  oauth: {
    providerLabel: "HubSpot",
    tokenPrefix: { access: "CK", refresh: "na1-" },
    rotateRefreshTokens: false,
    pkce: "unsupported",
    accessTokenTtlSeconds: 1800,
    // HubSpot refresh tokens don't expire; they live until revoked or the app is uninstalled.
    refreshTokenTtlSeconds: 10 * 365 * 86_400,
    multiAccount: false,
    // HubSpot's own paths (/oauth/authorize, /oauth/v1/token, DELETE /oauth/v1/refresh-tokens/:token)
    // are served by oauth.ts, which adapts the core's generic endpoints mounted here.
    paths: { authorize: "/_oauth/authorize", token: "/_oauth/token", revoke: "/_oauth/revoke" },
  },
  authenticate,
  limits,
  limitHeaders,
  routes(api, publicRoutes, sandbox) {
    oauthRoutes(publicRoutes, sandbox);
    searchRoutes(api);
    objectRoutes(api);
    associationRoutes(api);
  },
  webhookRetryScheduleMs: RETRY_SCHEDULE_MS,
};
