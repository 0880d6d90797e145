/**
 * HubSpot's OAuth endpoints around the shared OAuth server:
 * - `GET/POST /oauth/authorize` (app.hubspot.com): HubSpot's authorize URL has no
 *   `response_type`, which the core page requires, so it is added here;
 * - `POST /oauth/v1/token`: client_id/client_secret in the form; refresh tokens don't rotate
 *   (the same one comes back); errors in HubSpot's `{ status: "BAD_AUTH_CODE", message }` shape;
 * - `DELETE /oauth/v1/refresh-tokens/{token}` revokes; `GET /oauth/v1/refresh-tokens/{token}` and
 *   `GET /oauth/v1/access-tokens/{token}` describe a token (the portal id is `hub_id`).
 * The core mounts its generic endpoints under /_oauth/ (see index.ts).
 * https://developers.hubspot.com/docs/api/oauth-quickstart-guide
 * https://developers.hubspot.com/docs/api/oauth/tokens
 */
import { randomUUID } from "node:crypto";
import { json, parseForm, type Router, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { Grant } from "../core/oauth";
import type { Sandbox } from "../core/sandbox";
import { expired, hubspotError } from "./errors";
import type { HubspotData } from "./state";
import { APP_ID } from "./webhooks";

type S = Sandbox<HubspotData>;

function tokenError(status: string, message: string): SandboxResponse {
  return json(400, { status, message, correlationId: randomUUID(), requestId: randomUUID().replace(/-/g, "") });
}

function token(req: SandboxRequest, sandbox: S): SandboxResponse {
  const answer = sandbox.oauth.tokenEndpoint(req);
  const body = answer.body as Record<string, unknown>;
  if (answer.status === 200) {
    const { scope: _scope, ...rest } = body; // HubSpot's v1 answer: token_type, refresh_token, access_token, expires_in
    return json(200, rest);
  }
  const form = parseForm(req);
  const grantType = form.get("grant_type");
  switch (body.error) {
    case "invalid_client":
      return sandbox.oauth.state.clients[form.get("client_id") ?? ""] ? tokenError("BAD_CLIENT_SECRET", "missing or invalid client secret") : tokenError("BAD_CLIENT_ID", "missing or unknown client id");
    case "invalid_grant":
      return grantType === "refresh_token" ? tokenError("BAD_REFRESH_TOKEN", "missing or unknown refresh token") : tokenError("BAD_AUTH_CODE", "missing or unknown auth code");
    default:
      return tokenError("BAD_GRANT_TYPE", "missing or unknown grant type");
  }
}

/** What HubSpot reports about the installing portal and user, derived from the account. */
function describe(sandbox: S, grant: Grant, tokenValue: string) {
  const hubId = grant.accountIds[0] ?? "";
  const name = sandbox.accounts.get(hubId)?.name ?? "sandbox";
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "sandbox";
  return {
    token: tokenValue,
    user: `admin@${slug}.example`,
    hub_domain: `${slug}-${hubId}.hubspotsandbox.test`,
    scopes: grant.scope.split(/[\s+]+/).filter(Boolean),
    hub_id: Number(hubId),
    user_id: 1_000_000 + (Number(hubId) % 9_000_000),
  };
}

const notFound = (kind: string) => hubspotError(404, "OBJECT_NOT_FOUND", `${kind} not found`);

export function oauthRoutes(routes: Router, sandbox: S): void {
  routes
    .add("GET", "/oauth/authorize", (req) => {
      const query = new URLSearchParams(req.query);
      query.set("response_type", "code");
      return sandbox.oauth.authorizePage({ ...req, query });
    })
    .add("POST", "/oauth/authorize", (req) => sandbox.oauth.authorizeDecision(req))
    .add("POST", "/oauth/v1/token", (req) => token(req, sandbox))
    .add("GET", "/oauth/v1/access-tokens/:token", (req) => {
      const value = req.params.token ?? "";
      const t = sandbox.oauth.state.access[value];
      if (!t || t.revoked) return notFound("Access token");
      const now = sandbox.clock.now();
      // Lifetimes run `scale` times faster; report them in provider seconds.
      if (t.expiresAt <= now) return expired((now - t.expiresAt) * sandbox.clock.scale, t.expiresAt);
      return json(200, { ...describe(sandbox, t, value), app_id: APP_ID, expires_in: Math.round(((t.expiresAt - now) * sandbox.clock.scale) / 1000), token_type: "access" });
    })
    .add("GET", "/oauth/v1/refresh-tokens/:token", (req) => {
      const value = req.params.token ?? "";
      const t = sandbox.oauth.state.refresh[value];
      if (!t || t.revoked || t.expiresAt <= sandbox.clock.now()) return notFound("Refresh token");
      return json(200, { ...describe(sandbox, t, value), client_id: t.clientId, token_type: "refresh" });
    })
    .add("DELETE", "/oauth/v1/refresh-tokens/:token", (req) => {
      const value = req.params.token ?? "";
      const t = sandbox.oauth.state.refresh[value];
      if (!t || t.revoked) return notFound("Refresh token");
      sandbox.oauth.revoke({ ...req, rawBody: Buffer.from(new URLSearchParams({ token: value }).toString()) });
      return { status: 204 };
    });
}
