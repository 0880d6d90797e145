/**
 * The Stripe sandbox over plain HTTP, for what the SDK does not exercise: Connect OAuth (authorize
 * page, code, token, refresh, deauthorize), Stripe-Account, bad input of every kind answered in
 * Stripe's error shape, form encoding, and deterministic seeding visible in the control API.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CLIENT } from "../core/oauth";
import { createHmac } from "node:crypto";
import { client, control, newAccount, raw, receiver, startStripe, until, type Harness } from "./test-support";

let h: Harness;
let key: string;

beforeAll(async () => {
  h = await startStripe();
  h.sandbox.clock.scale = 40; // local calls are faster than 25 requests/second allow
  key = (await newAccount(h)).accessToken;
});
afterAll(async () => {
  await h.close();
});

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

async function authorize(decision: "approve" | "deny", state = "xyz"): Promise<URL> {
  const redirectUri = "https://concord.test/oauth/stripe/callback";
  const page = await raw(h, "GET", `/oauth/authorize?${form({ response_type: "code", client_id: DEFAULT_CLIENT.id, scope: "read_write", redirect_uri: redirectUri, state })}`);
  expect(page.status).toBe(200);
  expect(page.headers.get("content-type")).toContain("text/html");
  expect(page.text).toMatch(/<button[^>]*value="approve"[^>]*>Approve<\/button>/);
  const answer = await raw(h, "POST", "/oauth/authorize", {
    body: form({ client_id: DEFAULT_CLIENT.id, redirect_uri: redirectUri, state, scope: "read_write", decision, account: "__new__", new_account_name: "Tyrell Corp" }),
  });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}

describe("Connect OAuth", () => {
  it("approves, exchanges the code with the platform key, refreshes without rotation and deauthorizes", async () => {
    const denied = await authorize("deny", "no");
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("no");

    const back = await authorize("approve");
    expect(back.searchParams.get("state")).toBe("xyz");
    const code = back.searchParams.get("code")!;
    const platform = client(h, DEFAULT_CLIENT.secret);
    const token = await platform.oauth.token({ grant_type: "authorization_code", code });
    expect(token).toMatchObject({ token_type: "bearer", scope: "read_write", livemode: false });
    expect(token.stripe_user_id).toMatch(/^acct_[A-Za-z0-9]{16}$/);
    expect(token.stripe_publishable_key).toMatch(/^pk_test_/);
    expect(token.access_token).toMatch(/^sk_test_/);
    expect(token).not.toHaveProperty("expires_in");

    const reused = await raw(h, "POST", "/oauth/token", { key: DEFAULT_CLIENT.secret, body: form({ grant_type: "authorization_code", code }) });
    expect(reused.status).toBe(400);
    expect(reused.json.error).toBe("invalid_grant");
    const wrongPlatform = await raw(h, "POST", "/oauth/token", { key: "sk_test_notaplatform", body: form({ grant_type: "authorization_code", code }) });
    expect(wrongPlatform.json).toMatchObject({ error: "invalid_client" });

    const connected = client(h, token.access_token!);
    const customer = await connected.customers.create({ name: "Tyrell" });
    const viaHeader = await platform.customers.retrieve(customer.id, {}, { stripeAccount: token.stripe_user_id });
    expect(viaHeader.id).toBe(customer.id);
    const authorizedEvents = await connected.events.list({ type: "account.application.authorized" });
    expect(authorizedEvents.data).toHaveLength(1);

    const refreshed = await raw(h, "POST", "/oauth/token", { body: form({ grant_type: "refresh_token", refresh_token: token.refresh_token!, client_secret: DEFAULT_CLIENT.secret }) });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).toBe(token.refresh_token); // Stripe's refresh tokens do not rotate
    expect(refreshed.json.access_token).not.toBe(token.access_token);
    expect((await client(h, refreshed.json.access_token).customers.list()).data).toHaveLength(1);

    const gone = await platform.oauth.deauthorize({ client_id: DEFAULT_CLIENT.id, stripe_user_id: token.stripe_user_id! });
    expect(gone.stripe_user_id).toBe(token.stripe_user_id);
    await expect(connected.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    await expect(platform.customers.list({}, { stripeAccount: token.stripe_user_id })).rejects.toBeInstanceOf(Stripe.errors.StripePermissionError);
    const again = await raw(h, "POST", "/oauth/deauthorize", { key: DEFAULT_CLIENT.secret, body: form({ client_id: DEFAULT_CLIENT.id, stripe_user_id: token.stripe_user_id! }) });
    expect(again.json.error).toBe("invalid_client");
  });
});

describe("platform webhooks", () => {
  it("sends a subscription made through the control API every account's events, with `account`", async () => {
    const hook = await receiver();
    try {
      const sub = await control<{ id: string; secret: string }>(h, "POST", "/_sandbox/webhooks", { url: hook.url, events: ["customer.created"] });
      const account = await newAccount(h, "Platform Customer Co");
      await raw(h, "POST", "/v1/customers", { key: account.accessToken, body: "name=Connected+Customer" });
      await until(() => hook.received.length >= 1);
      const delivery = hook.received[0]!;
      expect(JSON.parse(delivery.body)).toMatchObject({ account: account.accountId, type: "customer.created", data: { object: { name: "Connected Customer" } } });
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery.headers["stripe-signature"] as string)!;
      expect(createHmac("sha256", sub.secret).update(`${t}.${delivery.body}`).digest("hex")).toBe(v1);
      h.sandbox.webhooks.subscriptions = h.sandbox.webhooks.subscriptions.filter((s) => s.id !== sub.id);
    } finally {
      await hook.close();
    }
  });
});

describe("bad input gets Stripe's error answers", () => {
  it("refuses missing, invalid and expired keys and bad API versions", async () => {
    const none = await raw(h, "GET", "/v1/customers");
    expect(none.status).toBe(401);
    expect(none.json.error).toMatchObject({ type: "invalid_request_error" });
    expect(none.json.error.message).toMatch(/You did not provide an API key/);
    const badKey = "sk_test_51HxxxxxxxxxxxxxxxxxxxxxxxxxxAbCd";
    const wrong = await raw(h, "GET", "/v1/customers", { key: badKey });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.message).toBe(`Invalid API Key provided: sk_test_${"*".repeat(badKey.length - 12)}AbCd`);
    expect(wrong.headers.get("request-id")).toMatch(/^req_/);
    await expect(client(h, "sk_test_nope").customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError);

    const version = await raw(h, "GET", "/v1/customers", { key, headers: { "stripe-version": "yesterday" } });
    expect(version.status).toBe(400);
    expect(version.json.error.message).toBe("Invalid Stripe API version: yesterday");
    const ok = await raw(h, "GET", "/v1/customers", { key, headers: { "stripe-version": "2026-10-28.endive" } });
    expect(ok.headers.get("stripe-version")).toBe("2026-10-28.endive");

    await control(h, "POST", "/_sandbox/oauth", { accessTokenTtlSeconds: 1 });
    const shortLived = (await newAccount(h, "Short")).accessToken;
    await new Promise((r) => setTimeout(r, 40)); // 1 s of sandbox time at 40×
    const expired = await raw(h, "GET", "/v1/customers", { key: shortLived });
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe("api_key_expired");
    await control(h, "POST", "/_sandbox/oauth", { accessTokenTtlSeconds: 31_536_000 });
  });

  it("names the parameter that is missing, unknown, malformed or empty", async () => {
    const post = (body: string, path = "/v1/invoiceitems") => raw(h, "POST", path, { key, body });
    const customer = (await post("name=Acme", "/v1/customers")).json;
    expect(customer.id).toMatch(/^cus_/);

    const cases: [string, number, Record<string, unknown>][] = [
      ["amount=100", 400, { code: "parameter_missing", param: "customer", message: "Missing required param: customer." }],
      [`customer=${customer.id}&amount=12.5`, 400, { code: "parameter_invalid_integer", param: "amount", message: "Invalid integer: 12.5" }],
      [`customer=${customer.id}&amount=100&colour=red`, 400, { code: "parameter_unknown", param: "colour" }],
      [`customer=${customer.id}&price_data[currency]=usd&price_data[product]=prod_1&price_data[colour]=x`, 400, { code: "parameter_unknown", param: "price_data[colour]" }],
      [`customer=${customer.id}&amount=100&description=`, 200, {}],
      [`customer=${customer.id}`, 400, { code: "parameter_missing", param: "amount" }],
      [`customer=cus_missing&amount=100`, 400, { code: "resource_missing", param: "customer", message: "No such customer: 'cus_missing'" }],
      [`customer=${customer.id}&amount=100&unit_amount_decimal=5`, 400, { code: "parameters_exclusive" }],
      [`customer=${customer.id}&amount=100&currency=euros`, 400, { param: "currency" }],
      [`customer=${customer.id}&amount=100&metadata[k]=${"v".repeat(501)}`, 400, { param: "metadata" }],
      [`customer=${customer.id}&amount=100&metadata=oops`, 400, { param: "metadata" }],
      [`customer=${customer.id}&amount=100&amount[x]=1`, 400, { type: "invalid_request_error" }],
      [`customer[]=a&amount=1`, 400, { param: "customer" }],
    ];
    for (const [body, status, error] of cases) {
      const answer = await post(body);
      expect(answer.status, body).toBe(status);
      if (status !== 200) expect(answer.json.error, body).toMatchObject({ type: "invalid_request_error", ...error });
    }
    const empty = await post("name=", "/v1/customers/" + customer.id);
    expect(empty.status).toBe(200); // name can be unset
    const blank = await raw(h, "POST", "/v1/invoices", { key, body: `customer=${customer.id}&currency=` });
    expect(blank.json.error).toMatchObject({ code: "parameter_invalid_empty", param: "currency" });
  });

  it("answers unknown ids, routes, content types, huge and binary bodies without crashing", async () => {
    const missing = await raw(h, "GET", "/v1/invoices/in_doesnotexist", { key });
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "resource_missing", param: "id", message: "No such invoice: 'in_doesnotexist'", doc_url: "https://stripe.com/docs/error-codes/resource-missing" });
    const route = await raw(h, "PUT", "/v1/invoices", { key });
    expect(route.status).toBe(404);
    expect(route.json.error.message).toMatch(/^Unrecognized request URL \(PUT: \/v1\/invoices\)/);
    const jsonBody = await raw(h, "POST", "/v1/customers", { key, body: JSON.stringify({ name: "x" }), headers: { "content-type": "application/json" } });
    expect(jsonBody.status).toBe(400);
    expect(jsonBody.json.error.message).toMatch(/application\/x-www-form-urlencoded/);
    const binary = await raw(h, "POST", "/v1/customers", { key, body: new Uint8Array([0xff, 0xfe, 0x00, 0x9f, 0x3d]) });
    expect(binary.status).toBe(400);
    expect(binary.json.error.type).toBe("invalid_request_error");
    const huge = await raw(h, "POST", "/v1/customers", { key, body: `name=${"x".repeat(6 * 1024 * 1024)}` });
    expect(huge.status).toBe(413);
    expect(huge.json.error.type).toBe("invalid_request_error");
    const badCursor = await raw(h, "GET", "/v1/invoices?starting_after=in_nope", { key });
    expect(badCursor.json.error).toMatchObject({ code: "resource_missing", param: "starting_after" });
    const badLimit = await raw(h, "GET", "/v1/invoices?limit=101", { key });
    expect(badLimit.json.error).toMatchObject({ param: "limit" });
    await raw(h, "POST", "/v1/customers", { key, body: "name=Expandable" });
    const badExpand = await raw(h, "GET", "/v1/customers?expand[]=data.metadata", { key });
    expect(badExpand.json.error.message).toBe("This property cannot be expanded (data.metadata).");
    const mismatch = await raw(h, "POST", "/v1/customers", { key, body: "name=A", headers: { "idempotency-key": "k1" } });
    const replay = await raw(h, "POST", "/v1/customers", { key, body: "name=A", headers: { "idempotency-key": "k1" } });
    expect(replay.json.id).toBe(mismatch.json.id);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const other = await raw(h, "POST", "/v1/customers", { key, body: "name=B", headers: { "idempotency-key": "k1" } });
    expect(other.status).toBe(400);
    expect(other.json.error.type).toBe("idempotency_error");
    expect((await raw(h, "GET", "/v1/customers?limit=1", { key })).status).toBe(200);
  });

  it("reads bracket notation the way the SDK and curl send it", async () => {
    const created = await raw(h, "POST", "/v1/customers", { key, body: "name=Brackets&metadata[a]=1&metadata%5Bb%5D=2&preferred_locales[]=en&preferred_locales[]=fr&address[city]=Gen%C3%A8ve" });
    expect(created.status).toBe(200);
    expect(created.json).toMatchObject({ metadata: { a: "1", b: "2" }, preferred_locales: ["en", "fr"], address: { city: "Genève", line1: null } });
    const updated = await raw(h, "POST", `/v1/customers/${created.json.id}`, { key, body: "metadata[a]=&metadata[c]=3" });
    expect(updated.json.metadata).toEqual({ b: "2", c: "3" });
    const cleared = await raw(h, "POST", `/v1/customers/${created.json.id}`, { key, body: "metadata=" });
    expect(cleared.json.metadata).toEqual({});
    const listed = await raw(h, "GET", `/v1/customers?limit=2&expand[0]=data.default_source`, { key });
    expect(listed.json.object).toBe("list");
  });
});

describe("seeding and stats", () => {
  type Stats = { objects: Record<string, Record<string, number>>; requests: Record<string, Record<string, number>> };

  async function seeded(seed: string | number) {
    const account = await newAccount(h, "Seeded Ltd");
    const created = await control<{ created: Record<string, number> }>(h, "POST", "/_sandbox/seed", { accountId: account.accountId, seed, customers: 30, invoices: 60, currencies: ["USD", "EUR", "JPY", "KWD"] });
    const sdk = client(h, account.accessToken);
    const invoices = await sdk.invoices.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    const customers = await sdk.customers.list({ limit: 100 }).autoPagingToArray({ limit: 1000 });
    return { account, created: created.created, invoices, customers };
  }

  it("makes the same objects for the same seed: messy names, several currencies, partial payments, voids", async () => {
    const a = await seeded("books-2026");
    const b = await seeded("books-2026");
    const c = await seeded("other");
    const shape = (s: Awaited<ReturnType<typeof seeded>>) => ({
      invoices: s.invoices.map((i) => [i.id, i.number, i.customer, i.currency, i.total, i.amount_paid, i.status, i.created, i.due_date]),
      customers: s.customers.map((x) => [x.id, x.name, x.email, x.currency]),
    });
    expect(shape(a)).toEqual(shape(b));
    expect(shape(a)).not.toEqual(shape(c));
    expect(a.created).toMatchObject({ customers: 30, invoices: 60 });
    expect(a.invoices).toHaveLength(60);

    const all = [...a.invoices, ...c.invoices];
    expect(new Set(all.map((i) => i.currency))).toEqual(new Set(["usd", "eur", "jpy", "kwd"]));
    const partial = all.filter((i) => i.status === "open" && i.amount_paid > 0);
    expect(partial.length).toBeGreaterThan(0);
    for (const inv of partial) expect(inv.amount_paid).toBeLessThan(inv.total);
    expect(all.some((i) => i.status === "void")).toBe(true);
    expect(all.some((i) => i.status === "draft" && i.number === null)).toBe(true);
    const messy = (name: string) => name !== name.trim() || /\s{2}|[^\x00-\x7f']|'/.test(name) || name === name.toUpperCase();
    expect(a.customers.filter((x) => messy(x.name ?? "")).length).toBeGreaterThan(0);
    for (const inv of all) expect(inv.total).toBe(inv.lines.data.reduce((sum, l) => sum + l.amount, 0));

    const stats = await control<Stats>(h, "GET", "/_sandbox/stats");
    expect(stats.objects[a.account.accountId]).toMatchObject({ customers: 30, invoices: 60, invoiceitems: a.created.invoiceitems, charges: a.created.charges });
    expect(stats.requests["GET /v1/invoices"]?.["200"]).toBeGreaterThan(0);
    expect(stats.requests["GET /v1/invoices/:id"]?.["404"]).toBeGreaterThan(0);
  });
});
