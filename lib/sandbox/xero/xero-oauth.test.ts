/**
 * Xero's OAuth 2.0 flow against the sandbox over HTTP: the authorize page, PKCE, a grant that
 * covers two organisations, GET /connections, refresh-token rotation, disconnecting and revoking.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountingApi, call, type Harness, newTenant, sdkError, startXero, type Tenant } from "./testing";

const CLIENT = { id: "concord-sandbox-client", secret: "concord-sandbox-secret" };
const REDIRECT = "http://127.0.0.1:9/callback";
const SCOPE = "openid profile email accounting.invoices accounting.payments accounting.contacts offline_access";
const basic = `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString("base64")}`;

let h: Harness;
let existing: Tenant;
beforeAll(async () => {
  h = await startXero();
  existing = await newTenant(h.url, "Existing Org Ltd");
});
afterAll(() => h.close());

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** Opens the authorize page, then submits its form the way the browser would. */
async function authorize(opts: { challenge: string; scope?: string; accounts: string[]; decision?: "approve" | "deny"; newName?: string }): Promise<URL> {
  const query = new URLSearchParams({ response_type: "code", client_id: CLIENT.id, redirect_uri: REDIRECT, scope: opts.scope ?? SCOPE, state: "st-123", code_challenge: opts.challenge, code_challenge_method: "S256" });
  const page = await fetch(`${h.url}/identity/connect/authorize?${query}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toMatch(/<form method="post"/);
  expect(html).toMatch(/<button type="submit" name="decision" value="approve">/);
  expect(html).toContain(`type="checkbox" name="account" value="${existing.tenantId}"`);
  const form = new URLSearchParams({ client_id: CLIENT.id, redirect_uri: REDIRECT, state: "st-123", scope: opts.scope ?? SCOPE, code_challenge: opts.challenge, code_challenge_method: "S256", decision: opts.decision ?? "approve", new_account_name: opts.newName ?? "Second Org Ltd" });
  for (const a of opts.accounts) form.append("account", a);
  const res = await fetch(`${h.url}/identity/connect/authorize`, { method: "POST", body: form, redirect: "manual" });
  expect(res.status).toBe(302);
  return new URL(res.headers.get("location")!);
}

async function token(form: Record<string, string>, auth: "basic" | "body" = "basic") {
  const body = new URLSearchParams(auth === "body" ? { ...form, client_id: CLIENT.id, client_secret: CLIENT.secret } : form);
  const res = await fetch(`${h.url}/connect/token`, { method: "POST", headers: auth === "basic" ? { authorization: basic } : {}, body });
  return { status: res.status, body: await res.json() };
}

describe("OAuth 2.0 with PKCE and several organisations", () => {
  it("authorizes two organisations, lists them in /connections, rotates refresh tokens, disconnects and revokes", async () => {
    const { verifier, challenge } = pkce();
    const callback = await authorize({ challenge, accounts: [existing.tenantId, "__new__"] });
    expect(callback.searchParams.get("state")).toBe("st-123");
    const code = callback.searchParams.get("code")!;

    const wrong = await token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    // The failed attempt used the code up: start again.
    const retry = await authorize({ challenge, accounts: [existing.tenantId, "__new__"] });
    const issued = await token({ grant_type: "authorization_code", code: retry.searchParams.get("code")!, redirect_uri: REDIRECT, code_verifier: verifier });
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({ token_type: "Bearer", expires_in: 1800, scope: SCOPE });
    const [, payload] = (issued.body.id_token as string).split(".");
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({ iss: "https://identity.xero.com", aud: CLIENT.id });

    const connections = await call(h.url, "GET", "/connections", { token: issued.body.access_token });
    expect(connections.status).toBe(200);
    expect(connections.body).toHaveLength(2);
    const mine = connections.body.find((c: { tenantId: string }) => c.tenantId === existing.tenantId);
    const created = connections.body.find((c: { tenantId: string }) => c.tenantId !== existing.tenantId);
    expect(created).toMatchObject({ tenantType: "ORGANISATION", tenantName: "Second Org Ltd" });
    expect(created.createdDateUtc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/);
    expect(created.authEventId).toMatch(/^[0-9a-f-]{36}$/);

    // The SDK reaches both organisations with the one token.
    const api = accountingApi(h.url, issued.body.access_token);
    await api.createContacts(created.tenantId, { contacts: [{ name: "Müller & Söhne GmbH" }] });
    expect((await api.getContacts(created.tenantId)).body.contacts!.map((c) => c.name)).toEqual(["Müller & Söhne GmbH"]);
    expect((await api.getInvoices(existing.tenantId)).response.status).toBe(200);
    const stranger = await newTenant(h.url);
    expect((await sdkError(api.getInvoices(stranger.tenantId))).statusCode).toBe(403);

    // Refresh tokens rotate: the used one is dead. (Xero keeps it usable for a 30-minute grace
    // period; the shared OAuth server rotates strictly, see README.)
    const refreshed = await token({ grant_type: "refresh_token", refresh_token: issued.body.refresh_token }, "body");
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(issued.body.refresh_token);
    expect(refreshed.body.access_token).not.toBe(issued.body.access_token);
    expect((await token({ grant_type: "refresh_token", refresh_token: issued.body.refresh_token })).body.error).toBe("invalid_grant");

    // Disconnecting one organisation takes it out of the app's tokens.
    const gone = await call(h.url, "DELETE", `/connections/${mine.id}`, { token: refreshed.body.access_token });
    expect(gone.status).toBe(204);
    const left = await call(h.url, "GET", "/connections", { token: refreshed.body.access_token });
    expect(left.body.map((c: { tenantId: string }) => c.tenantId)).toEqual([created.tenantId]);
    expect((await call(h.url, "GET", "/api.xro/2.0/Invoices", { token: refreshed.body.access_token, tenantId: existing.tenantId })).status).toBe(403);
    expect((await call(h.url, "GET", "/api.xro/2.0/Invoices", { token: refreshed.body.access_token, tenantId: created.tenantId })).status).toBe(200);

    // Revoking the refresh token ends the grant.
    const revoked = await fetch(`${h.url}/connect/revocation`, { method: "POST", headers: { authorization: basic }, body: new URLSearchParams({ token: refreshed.body.refresh_token }) });
    expect(revoked.status).toBe(200);
    expect((await call(h.url, "GET", "/connections", { token: refreshed.body.access_token })).status).toBe(401);
    expect((await token({ grant_type: "refresh_token", refresh_token: refreshed.body.refresh_token })).body.error).toBe("invalid_grant");
  });

  it("sends the person back with access_denied when they deny", async () => {
    const callback = await authorize({ challenge: pkce().challenge, accounts: [existing.tenantId], decision: "deny" });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("enforces the granted scopes: a contacts-only token cannot read invoices", async () => {
    const { verifier, challenge } = pkce();
    const callback = await authorize({ challenge, scope: "openid accounting.contacts", accounts: [existing.tenantId] });
    const issued = await token({ grant_type: "authorization_code", code: callback.searchParams.get("code")!, redirect_uri: REDIRECT, code_verifier: verifier });
    const denied = await call(h.url, "GET", "/api.xro/2.0/Invoices", { token: issued.body.access_token, tenantId: existing.tenantId });
    expect(denied.status).toBe(401);
    expect(denied.body).toMatchObject({ Title: "Unauthorized", Detail: "AuthorizationUnsuccessful" });
    expect((await call(h.url, "GET", "/api.xro/2.0/Contacts", { token: issued.body.access_token, tenantId: existing.tenantId })).status).toBe(200);
  });
});
