/**
 * An OAuth 2.0 authorization server as the providers run theirs: an authorize page where a
 * person approves or denies, single-use authorization codes (10 minutes, PKCE S256 where the
 * provider supports it), access tokens with a lifetime, refresh tokens that rotate where the
 * provider rotates them (a used refresh token is dead), and revocation.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Clock } from "./clock";
import { html, redirect, type SandboxRequest, type SandboxResponse, json, parseForm, header } from "./http";

export type OAuthConfig = {
  /** Shown on the authorize page. */
  providerLabel: string;
  /** `live`: the access-token prefix of live-mode accounts, where the provider tells them apart (Stripe's sk_live_). */
  tokenPrefix: { access: string; refresh: string; live?: string };
  rotateRefreshTokens: boolean;
  pkce: "supported" | "unsupported";
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Several accounts per grant (Xero tenants). */
  multiAccount: boolean;
  /** Extra query parameters on the redirect back (QuickBooks sends realmId). */
  callbackExtras?: (accountIds: string[]) => Record<string, string>;
  /** Extra fields in token responses (Stripe's stripe_user_id, Intuit's x_refresh_token_expires_in...). */
  tokenExtras?: (grant: Grant) => Record<string, unknown>;
};

export type Grant = { clientId: string; accountIds: string[]; scope: string };
type Code = Grant & { redirectUri: string; challenge?: string; expiresAt: number; used: boolean };
type Token = Grant & { expiresAt: number; revoked: boolean };

export type OAuthState = { clients: Record<string, { secret: string }>; access: Record<string, Token>; refresh: Record<string, Token> };

export const DEFAULT_CLIENT = { id: "concord-sandbox-client", secret: "concord-sandbox-secret" } as const;

const safeEqual = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class OAuthServer {
  state: OAuthState = { clients: { [DEFAULT_CLIENT.id]: { secret: DEFAULT_CLIENT.secret } }, access: {}, refresh: {} };
  private codes = new Map<string, Code>();

  readonly config: OAuthConfig;

  constructor(
    config: OAuthConfig,
    private readonly clock: Clock,
    private readonly accounts: () => { id: string; name: string }[],
    private readonly createAccount: (name: string) => string,
  ) {
    // A copy: /_sandbox/oauth changes this sandbox's lifetimes, not the provider definition shared by others.
    this.config = { ...config };
  }

  private token(prefix: string): string {
    return `${prefix}${randomBytes(24).toString("base64url")}`;
  }

  /** A token for accounts made through the control API, skipping the browser. */
  issue(grant: Grant, live = false): { accessToken: string; refreshToken: string; expiresIn: number } {
    const now = this.clock.now();
    const accessToken = this.token(live && this.config.tokenPrefix.live ? this.config.tokenPrefix.live : this.config.tokenPrefix.access);
    const refreshToken = this.token(this.config.tokenPrefix.refresh);
    this.state.access[accessToken] = { ...grant, expiresAt: now + this.clock.ms(this.config.accessTokenTtlSeconds * 1000), revoked: false };
    this.state.refresh[refreshToken] = { ...grant, expiresAt: now + this.clock.ms(this.config.refreshTokenTtlSeconds * 1000), revoked: false };
    return { accessToken, refreshToken, expiresIn: this.config.accessTokenTtlSeconds };
  }

  /** The grant behind a bearer token, or null when unknown, revoked or expired. */
  grantFor(accessToken: string): Grant | null {
    const t = this.state.access[accessToken];
    if (!t || t.revoked || t.expiresAt <= this.clock.now()) return null;
    return t;
  }

  authorizePage(req: SandboxRequest): SandboxResponse {
    const q = req.query;
    const clientId = q.get("client_id") ?? "";
    const redirectUri = q.get("redirect_uri") ?? "";
    if (!this.state.clients[clientId]) return html(400, `<h1>Unknown client_id</h1>`);
    if (!/^https?:\/\//.test(redirectUri)) return html(400, `<h1>Missing or invalid redirect_uri</h1>`);
    if (q.get("response_type") !== "code") return redirect(withQuery(redirectUri, { error: "unsupported_response_type", state: q.get("state") ?? "" }));
    if (this.config.pkce === "supported" && q.get("code_challenge") && q.get("code_challenge_method") !== "S256") {
      return redirect(withQuery(redirectUri, { error: "invalid_request", error_description: "code_challenge_method must be S256", state: q.get("state") ?? "" }));
    }
    const hidden = ["client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"]
      .map((k) => `<input type="hidden" name="${k}" value="${escape(q.get(k) ?? "")}">`)
      .join("");
    const type = this.config.multiAccount ? "checkbox" : "radio";
    const options = this.accounts()
      .map((a) => `<label><input type="${type}" name="account" value="${escape(a.id)}"> ${escape(a.name)} <small>(${escape(a.id)})</small></label><br>`)
      .join("");
    return html(
      200,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(this.config.providerLabel)} sandbox – authorize</title></head>
<body style="font-family:system-ui;max-width:36rem;margin:3rem auto">
<h1>${escape(this.config.providerLabel)} (sandbox)</h1>
<p>An app wants access to your ${escape(this.config.providerLabel)} account${this.config.multiAccount ? "s" : ""} with the scope <code>${escape(q.get("scope") ?? "")}</code>.</p>
<form method="post" action="${escape(req.path)}">${hidden}
<fieldset><legend>Account</legend>${options}
<label><input type="${type}" name="account" value="__new__" checked> A new sandbox account named <input name="new_account_name" value="Sandbox company" aria-label="New account name"></label></fieldset>
<p><button type="submit" name="decision" value="approve">Approve</button> <button type="submit" name="decision" value="deny">Deny</button></p>
</form></body></html>`,
    );
  }

  authorizeDecision(req: SandboxRequest): SandboxResponse {
    const form = parseForm(req);
    const redirectUri = form.get("redirect_uri") ?? "";
    const clientId = form.get("client_id") ?? "";
    if (!this.state.clients[clientId] || !/^https?:\/\//.test(redirectUri)) return html(400, "<h1>Invalid request</h1>");
    const state = form.get("state") ?? "";
    if (form.get("decision") !== "approve") {
      return redirect(withQuery(redirectUri, { error: "access_denied", error_description: "The user denied the request", state }));
    }
    const known = new Set(this.accounts().map((a) => a.id));
    const accountIds = form.getAll("account").flatMap((id) => (id === "__new__" ? [this.createAccount(form.get("new_account_name") || "Sandbox company")] : known.has(id) ? [id] : []));
    if (accountIds.length === 0) return html(400, "<h1>Choose an account</h1>");
    const code = this.token("code_");
    this.codes.set(code, {
      clientId,
      redirectUri,
      accountIds: this.config.multiAccount ? accountIds : [accountIds[0]!],
      scope: form.get("scope") ?? "",
      challenge: form.get("code_challenge") || undefined,
      expiresAt: this.clock.now() + 10 * 60_000,
      used: false,
    });
    return redirect(withQuery(redirectUri, { code, state, scope: form.get("scope") ?? "", ...(this.config.callbackExtras?.(accountIds) ?? {}) }));
  }

  private client(req: SandboxRequest, form: URLSearchParams): string | null {
    let id = form.get("client_id") ?? "";
    let secret = form.get("client_secret") ?? "";
    const auth = header(req, "authorization");
    if (auth?.startsWith("Basic ")) {
      const decoded = Buffer.from(auth.slice(6), "base64").toString("utf8");
      const i = decoded.indexOf(":");
      id = decodeURIComponent(decoded.slice(0, i));
      secret = decodeURIComponent(decoded.slice(i + 1));
    }
    const known = this.state.clients[id];
    return known && safeEqual(known.secret, secret) ? id : null;
  }

  tokenEndpoint(req: SandboxRequest): SandboxResponse {
    const form = parseForm(req);
    const clientId = this.client(req, form);
    if (!clientId) return json(401, { error: "invalid_client", error_description: "Client authentication failed" });
    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") return this.exchangeCode(form, clientId);
    if (grantType === "refresh_token") return this.refresh(form, clientId);
    return json(400, { error: "unsupported_grant_type", error_description: `grant_type ${grantType ?? "(missing)"} is not supported` });
  }

  private respond(grant: Grant): SandboxResponse {
    const issued = this.issue(grant);
    return json(200, {
      access_token: issued.accessToken,
      token_type: "bearer",
      expires_in: issued.expiresIn,
      refresh_token: issued.refreshToken,
      scope: grant.scope,
      ...(this.config.tokenExtras?.(grant) ?? {}),
    });
  }

  private exchangeCode(form: URLSearchParams, clientId: string): SandboxResponse {
    const code = this.codes.get(form.get("code") ?? "");
    const invalid = (description: string) => json(400, { error: "invalid_grant", error_description: description });
    if (!code || code.clientId !== clientId) return invalid("The authorization code is invalid");
    if (code.used) return invalid("The authorization code has already been used");
    code.used = true; // single use, even when the rest of the request is wrong
    if (code.expiresAt <= this.clock.now()) return invalid("The authorization code has expired");
    if (code.redirectUri !== form.get("redirect_uri")) return invalid("redirect_uri does not match the authorization request");
    if (code.challenge) {
      const verifier = form.get("code_verifier") ?? "";
      const computed = createHash("sha256").update(verifier).digest("base64url");
      if (!safeEqual(computed, code.challenge)) return invalid("code_verifier does not match the code_challenge");
    }
    return this.respond({ clientId, accountIds: code.accountIds, scope: code.scope });
  }

  private refresh(form: URLSearchParams, clientId: string): SandboxResponse {
    const value = form.get("refresh_token") ?? "";
    const t = this.state.refresh[value];
    if (!t || t.clientId !== clientId || t.revoked || t.expiresAt <= this.clock.now()) {
      return json(400, { error: "invalid_grant", error_description: "The refresh token is invalid, expired or already used" });
    }
    if (this.config.rotateRefreshTokens) {
      t.revoked = true;
      return this.respond({ clientId, accountIds: t.accountIds, scope: t.scope });
    }
    const issued = this.issue({ clientId, accountIds: t.accountIds, scope: t.scope });
    delete this.state.refresh[issued.refreshToken]; // the old refresh token stays valid and is returned again
    return json(200, { access_token: issued.accessToken, token_type: "bearer", expires_in: issued.expiresIn, refresh_token: value, scope: t.scope, ...(this.config.tokenExtras?.(t) ?? {}) });
  }

  /** RFC 7009: revoking an unknown token still answers 200. */
  revoke(req: SandboxRequest): SandboxResponse {
    const form = parseForm(req);
    let value = form.get("token") ?? "";
    if (!value && req.rawBody.length) {
      try {
        value = (JSON.parse(req.rawBody.toString("utf8")) as { token?: string }).token ?? "";
      } catch {
        /* a form body */
      }
    }
    const refresh = this.state.refresh[value];
    const access = this.state.access[value];
    for (const t of [refresh, access]) if (t) t.revoked = true;
    if (refresh) {
      // Revoking a refresh token ends the grant: its access tokens stop working too.
      for (const a of Object.values(this.state.access)) if (a.clientId === refresh.clientId && a.accountIds.join() === refresh.accountIds.join()) a.revoked = true;
    }
    return json(200, {});
  }

  reset(): void {
    this.state = { clients: { [DEFAULT_CLIENT.id]: { secret: DEFAULT_CLIENT.secret } }, access: {}, refresh: {} };
    this.codes.clear();
  }
}

export function withQuery(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== "") url.searchParams.set(k, v);
  return url.toString();
}
