/**
 * The HubSpot connector against the HubSpot sandbox started in-process: OAuth driven through the
 * consent page as a browser would, the client's reads, changes and writes, 401 and 429 handling
 * through the shared HTTP layer, and real webhook deliveries verified and parsed.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Signature } from "@hubspot/api-client";
import { ApiException } from "@hubspot/api-client/lib/codegen/crm/objects/apis/exception";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSandbox, type Sandbox } from "../../sandbox";
import type { RunningServer } from "../../sandbox/core/http";
import { requireSettings } from "../config";
import { ProviderError, ReauthRequiredError } from "../errors";
import type { ClientContext, ExternalInvoice, InvoiceDraft, TokenSet, WebhookRequest } from "../types";
import { classifyHubspot, type HubspotApi, type HubspotSettings } from "./api";
import { createHubspotClient } from "./client";
import { hubspotConnector } from "./index";
import { createHubspotOAuth } from "./oauth";
import { changedSince } from "./reads";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Portal = { accountId: string; accessToken: string; refreshToken: string };

let sb: Sandbox<unknown>;
let server: RunningServer;
let settings: HubspotSettings;
let oauth: ReturnType<typeof createHubspotOAuth>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REDIRECT = "http://127.0.0.1:9/api/oauth/hubspot/callback";

beforeAll(async () => {
  sb = createSandbox("hubspot");
  server = await sb.listen(0);
  settings = requireSettings("hubspot", { CONCORD_PROVIDERS: "sandbox", SANDBOX_HUBSPOT_PORT: String(server.port) });
  oauth = createHubspotOAuth(() => settings);
});
afterAll(async () => {
  await sb.webhooks.idle();
  await server.close();
});

async function call(method: string, path: string, opts: { token?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...(opts.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Json) : {} };
}
const control = async (path: string, body: unknown) => (await call("POST", `/_sandbox/${path}`, { body })).json;
const newPortal = async (name?: string) => (await control("accounts", { name })) as Portal;

let keys = 0;
/** A client context as the vault gives one: a token, and a refresh when forced. */
function contextFor(portal: Portal, onForce?: () => Promise<string>): ClientContext & { forced: number } {
  const ctx = {
    accountId: portal.accountId,
    connectionKey: `hubspot:test:${portal.accountId}:${++keys}`,
    forced: 0,
    accessToken: async (force?: boolean) => {
      if (!force) return portal.accessToken;
      ctx.forced += 1;
      return onForce ? onForce() : portal.accessToken;
    },
  };
  return ctx;
}
const clientFor = (portal: Portal) => createHubspotClient(settings, contextFor(portal));

/** Opens the authorize page and submits its form as a person's browser would; answers the redirect's query. */
async function consent(authorizeUrl: string, decision: "approve" | "deny", accountName: string): Promise<URLSearchParams> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  form.set("account", "__new__");
  form.set("new_account_name", accountName);
  form.set("decision", decision);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const answer = await fetch(new URL(action!, authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!).searchParams;
}

async function connect(accountName: string) {
  const callback = await consent(oauth.authorizeUrl({ state: "st", redirectUri: REDIRECT, codeChallenge: null }), "approve", accountName);
  return oauth.exchangeCode({ code: callback.get("code")!, redirectUri: REDIRECT, codeVerifier: null, callback });
}

describe("OAuth", () => {
  it("runs the flow end to end: consent page, code, identity, non-rotating refresh, revoke", async () => {
    const authorizeUrl = oauth.authorizeUrl({ state: "state-123", redirectUri: REDIRECT, codeChallenge: null });
    const url = new URL(authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "concord-sandbox-client", redirect_uri: REDIRECT, scope: settings.scopes, state: "state-123" });
    expect(authorizeUrl).toContain("scope=crm.objects.invoices.read%20crm.objects.invoices.write");

    expect((await consent(authorizeUrl, "deny", "Nobody")).get("error")).toBe("access_denied");
    const callback = await consent(authorizeUrl, "approve", "Concord Test Portal");
    expect(callback.get("state")).toBe("state-123");
    const code = callback.get("code")!;

    const before = Date.now();
    const { tokens, accounts } = await oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: null, callback });
    expect(accounts).toEqual([{ externalAccountId: expect.stringMatching(/^\d+$/), displayName: expect.stringContaining("concord-test-portal") }]);
    const sandboxAccounts = (await call("GET", "/_sandbox/accounts")).json.data as Json[];
    expect(sandboxAccounts.find((a) => a.id === accounts[0]!.externalAccountId)?.name).toBe("Concord Test Portal");
    expect(tokens.scope).toBe(settings.scopes);
    expect(tokens.refreshToken).toMatch(/^na1-/);
    expect(tokens.expiresAt! - before).toBeGreaterThanOrEqual(1_799_000);
    expect(tokens.expiresAt! - Date.now()).toBeLessThanOrEqual(1_800_000);

    const portal = { accountId: accounts[0]!.externalAccountId, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
    expect(await clientFor(portal).listInvoices(null)).toEqual({ items: [], next: null });
    // Codes are single-use.
    const reused = await oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: null, callback }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(ProviderError);
    expect((reused as ProviderError).details).toMatchObject({ status: 400, code: "BAD_AUTH_CODE" });

    // HubSpot refresh tokens don't rotate: the same one comes back and keeps working.
    const refreshed = await oauth.refresh(tokens);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.scope).toBe(tokens.scope);
    const again = await oauth.refresh(tokens);
    expect(again.accessToken).not.toBe(refreshed.accessToken);
    expect(await clientFor({ ...portal, accessToken: again.accessToken }).listInvoices(null)).toEqual({ items: [], next: null });

    await oauth.revoke(again, portal.accountId);
    await oauth.revoke(again, portal.accountId); // already revoked: nothing to do, no error
    await expect(oauth.refresh(again)).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it("turns a refused refresh token into ReauthRequiredError, and a wrong client secret into a ProviderError", async () => {
    const dead: TokenSet = { accessToken: "CKx", refreshToken: "na1-not-a-token", expiresAt: null, scope: null };
    await expect(oauth.refresh(dead)).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(oauth.refresh({ ...dead, refreshToken: null })).rejects.toBeInstanceOf(ReauthRequiredError);

    const { tokens } = await connect("Secret Test");
    const wrongApp = createHubspotOAuth(() => ({ ...settings, clientSecret: "wrong" }));
    const error = await wrongApp.refresh(tokens).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).not.toBeInstanceOf(ReauthRequiredError);
    expect((error as ProviderError).details.code).toBe("BAD_CLIENT_SECRET");
  });

  it("reports short token lifetimes, and refreshes once on a 401 from an expired token", async () => {
    await control("oauth", { accessTokenTtlSeconds: 1 });
    await control("clock", { scale: 20 }); // a 1 s token lives 50 ms
    try {
      const { tokens, accounts } = await connect("Short Lived");
      expect(tokens.expiresAt! - Date.now()).toBeLessThanOrEqual(1_000);
      await sleep(80);
      let current = tokens;
      const portal = { accountId: accounts[0]!.externalAccountId, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken! };
      const ctx = contextFor(portal, async () => {
        current = await oauth.refresh(current);
        return current.accessToken;
      });
      expect(await createHubspotClient(settings, ctx).listInvoices(null)).toEqual({ items: [], next: null });
      expect(ctx.forced).toBe(1);
      expect(current.accessToken).not.toBe(tokens.accessToken);

      // A refresh that doesn't help is tried once, then the 401 is the answer.
      await sleep(80);
      const stuck = contextFor(portal, async () => portal.accessToken);
      const error = await createHubspotClient(settings, stuck).listInvoices(null).catch((e: unknown) => e);
      expect(error).toMatchObject({ kind: "unauthorized", details: { status: 401, code: "EXPIRED_AUTHENTICATION" } });
      expect(stuck.forced).toBe(1);
    } finally {
      await control("clock", { scale: 1 });
      await control("oauth", { accessTokenTtlSeconds: 1800 });
    }
  });
});

describe("reads", () => {
  let portal: Portal;
  let created: Json;
  beforeAll(async () => {
    portal = await newPortal("Listing Co");
    created = (await control("seed", { accountId: portal.accountId, seed: 11, customers: 25, invoices: 150, currencies: ["USD", "EUR", "JPY", "KWD"] })).created;
  });

  it("pages through invoices and customers, and fetches single records (null when unknown)", async () => {
    const client = clientFor(portal);
    const invoices: ExternalInvoice[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await client.listInvoices(cursor);
      invoices.push(...page.items);
      cursor = page.next;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(new Set(invoices.map((i) => i.externalId)).size).toBe(150);
    expect(new Set(invoices.map((i) => i.currency))).toEqual(new Set(["USD", "EUR", "JPY", "KWD"]));
    expect(new Set(invoices.map((i) => i.status))).toEqual(new Set(["DRAFT", "OPEN", "PARTIALLY_PAID", "PAID", "VOID"]));
    for (const inv of invoices) {
      expect(inv.amountDueMinor).toBe(inv.totalMinor > inv.amountPaidMinor ? inv.totalMinor - inv.amountPaidMinor : 0n);
      expect(inv.customerExternalId).toMatch(/^(contact|company):\d+$/);
      expect(inv.issueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(inv.version).toMatch(/^\d{15}$/);
    }

    const customers = [];
    let customerCursor: string | null = null;
    do {
      const page = await client.listCustomers(customerCursor);
      customers.push(...page.items);
      customerCursor = page.next;
    } while (customerCursor);
    expect(customers.filter((c) => c.externalId.startsWith("contact:"))).toHaveLength(created.contacts);
    expect(customers.filter((c) => c.externalId.startsWith("company:"))).toHaveLength(created.companies);

    const sample = invoices[37]!;
    const fetched = await client.getInvoice(sample.externalId);
    expect(fetched).toMatchObject({ externalId: sample.externalId, version: sample.version, totalMinor: sample.totalMinor, status: sample.status, customerExternalId: sample.customerExternalId });
    expect(await client.getInvoice("1")).toBeNull();
    expect(await client.getInvoice("not-an-id")).toBeNull();
    const contact = customers.find((c) => c.externalId.startsWith("contact:"))!;
    expect(await client.getCustomer(contact.externalId)).toMatchObject({ externalId: contact.externalId, name: contact.name, email: contact.email });
    expect(await client.getCustomer("company:1")).toBeNull();
    expect(await client.getCustomer("deal:5")).toBeNull();
    expect(await client.listPayments(null)).toEqual({ items: [], next: null });
    expect(await client.getPayment("anything")).toBeNull();
  });

  it("walks every change from the beginning in steps of one search page, with hasMore", async () => {
    const client = clientFor(portal);
    const seen = new Set<string>();
    const customers = new Set<string>();
    let cursor = "0";
    let calls = 0;
    for (let more = true; more; calls++) {
      const changes = await client.changes(cursor);
      changes.invoices.forEach((i) => seen.add(i.externalId));
      changes.customers.forEach((c) => customers.add(c.externalId));
      expect(Number(changes.cursor)).toBeGreaterThan(Number(cursor));
      expect(changes.invoices.every((i) => i.customerExternalId !== null)).toBe(true); // associations read in a batch
      cursor = changes.cursor;
      more = changes.hasMore;
      expect(calls).toBeLessThan(6);
    }
    expect(calls).toBeGreaterThanOrEqual(2); // 150 invoices don't fit one page of 100
    expect(seen.size).toBe(150);
    expect(customers.size).toBe(created.contacts + created.companies);
  });
});

describe("changes", () => {
  it("returns what changed after startCursor, and nothing new from the cursor it returns", async () => {
    const portal = await newPortal("Changes Co");
    await control("seed", { accountId: portal.accountId, seed: 3, customers: 4, invoices: 6 });
    const client = clientFor(portal);
    const seededIds = new Set((await client.listInvoices(null)).items.map((i) => i.externalId));
    const contactId = (await client.listCustomers(null)).items[0]!.externalId.split(":")[1]!;
    const company = (await client.listCustomers("companies:")).items[0]!;

    const cursor = await client.startCursor();
    await sleep(5);
    const invoice = await call("POST", "/crm/v3/objects/invoices", {
      token: portal.accessToken,
      body: { properties: { hs_currency: "USD", hs_amount_billed: "42.00", hs_invoice_status: "open" }, associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 177 }] }] },
    });
    await call("PATCH", `/crm/v3/objects/contacts/${contactId}`, { token: portal.accessToken, body: { properties: { company: "Changed Corp" } } });
    await call("PATCH", `/crm/v3/objects/companies/${company.externalId.split(":")[1]}`, { token: portal.accessToken, body: { properties: { name: "Renamed Ltd" } } });

    const first = await client.changes(cursor);
    expect(first.invoices.map((i) => i.externalId)).toEqual([invoice.json.id]);
    expect(first.invoices[0]).toMatchObject({ totalMinor: 4_200n, status: "OPEN", customerExternalId: `contact:${contactId}` });
    expect(first.invoices.some((i) => seededIds.has(i.externalId))).toBe(false);
    expect(first.customers.map((c) => [c.externalId, c.name.split(" ")[0]])).toEqual([
      [`contact:${contactId}`, "Changed"],
      [company.externalId, "Renamed"],
    ]);
    expect(first).toMatchObject({ payments: [], hasMore: false });

    const second = await client.changes(first.cursor);
    const versions = new Map([...first.invoices, ...first.customers].map((r) => [r.externalId, r.version]));
    // Recent records may come again (the search index trails writes), but nothing newer than what was seen.
    for (const r of [...second.invoices, ...second.customers]) expect(versions.get(r.externalId)).toBe(r.version);
    // Within the settle window the cursor stays put; once the changes are older than it, it moves past them.
    expect(first.cursor).toBe(cursor);
    const later = createHubspotClient(settings, contextFor(portal), { now: () => Date.now() + 120_000 });
    const settled = await later.changes(first.cursor);
    expect(settled.invoices.map((i) => i.externalId)).toEqual([invoice.json.id]);
    expect(Number(settled.cursor)).toBeGreaterThan(Date.now());
    const after = await later.changes(settled.cursor);
    expect(after).toMatchObject({ invoices: [], customers: [], hasMore: false });
    expect(Number(after.cursor)).toBeGreaterThanOrEqual(Number(settled.cursor));
    await expect(client.changes("yesterday")).rejects.toThrow(/cursor/);
  });

  it("pages past a page that shares the cursor's millisecond, and skips a millisecond it cannot page", async () => {
    const fake = (total: number, msOf: (i: number) => number) => {
      const requests: number[] = [];
      const doSearch = async (_type: string, req: { after?: string; limit?: number }) => {
        const after = Number(req.after ?? 0);
        requests.push(after);
        const end = Math.min(total, after + (req.limit ?? 100));
        const results = Array.from({ length: end - after }, (_, k) => ({ id: String(after + k + 1), properties: { hs_lastmodifieddate: String(msOf(after + k)) }, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" }));
        return { total, results, ...(end < total ? { paging: { next: { after: String(end) } } } : {}) };
      };
      const api = { search: (fn: (sdk: unknown) => Promise<unknown>) => fn({ search: { doSearch } }) } as unknown as HubspotApi;
      return { api, requests };
    };
    const invoices = { type: "invoices" as const, modified: "hs_lastmodifieddate", properties: [] };

    const tie = fake(350, (i) => (i < 230 ? 1_000 : 2_000));
    const tied = await changedSince(tie.api, invoices, 1_000);
    expect(tie.requests).toEqual([0, 100, 200]); // the first two pages end on the cursor's millisecond
    expect(tied).toMatchObject({ more: true, lastMs: 2_000 });
    expect(tied.records).toHaveLength(300);

    const capped = fake(10_050, () => 1_000);
    const stuck = await changedSince(capped.api, invoices, 1_000);
    expect(capped.requests.at(-1)).toBe(9_900);
    expect(stuck).toMatchObject({ more: true, lastMs: 1_001 });

    const done = await changedSince(fake(40, (i) => 1_000 + i).api, invoices, 1_000);
    expect(done).toMatchObject({ more: false, lastMs: 1_039 });
  });
});

describe("writes", () => {
  const draft = (over: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
    concordId: "inv_w_1",
    number: "C-1001",
    customer: { externalId: null, name: "Ada O'Neil", email: "ada@writes.test" },
    currency: "EUR",
    issueDate: "2026-03-01",
    dueDate: "2026-03-31",
    memo: "Thank you",
    lines: [
      { description: "Hours", quantity: "3", unitAmountMinor: 12_000n },
      { description: "Fee", quantity: "1.5", unitAmountMinor: 333n },
    ],
    ...over,
  });

  it("creates an invoice once per Concord id, with the cross-reference and the contact", async () => {
    const portal = await newPortal("Writes Co");
    const client = clientFor(portal);
    const created = await client.createInvoice(draft(), { idempotencyKey: "create-1" });
    expect(created).toMatchObject({
      crossReference: "inv_w_1",
      number: "C-1001",
      currency: "EUR",
      totalMinor: 36_500n, // 3 × 120.00 + 1.5 × 3.33 (4.995 → 5.00)
      amountPaidMinor: 0n,
      amountDueMinor: 36_500n,
      status: "OPEN",
      issueDate: "2026-03-01",
      dueDate: "2026-03-31",
      memo: "Thank you",
    });
    expect(created.customerExternalId).toMatch(/^contact:\d+$/);

    const again = await client.createInvoice(draft(), { idempotencyKey: "create-1" });
    expect(again.externalId).toBe(created.externalId);
    expect(again.customerExternalId).toBe(created.customerExternalId);
    const found = await call("POST", "/crm/v3/objects/invoices/search", { token: portal.accessToken, body: { filterGroups: [{ filters: [{ propertyName: "concord_invoice_id", operator: "EQ", value: "inv_w_1" }] }] } });
    expect(found.json.total).toBe(1);
    expect(await client.getInvoice(created.externalId)).toMatchObject({ crossReference: "inv_w_1", customerExternalId: created.customerExternalId, version: created.version });

    // The contact is found by email, not created again.
    const second = await client.createInvoice(draft({ concordId: "inv_w_2", number: null }), { idempotencyKey: "create-2" });
    expect(second.externalId).not.toBe(created.externalId);
    expect(second.customerExternalId).toBe(created.customerExternalId);
    const contacts = await call("GET", "/crm/v3/objects/contacts?limit=100", { token: portal.accessToken });
    expect(contacts.json.results).toHaveLength(1);

    // A zero-decimal currency, billed to an existing company.
    const company = await call("POST", "/crm/v3/objects/companies", { token: portal.accessToken, body: { properties: { name: "Nakatomi KK" } } });
    const yen = await client.createInvoice(
      draft({ concordId: "inv_w_3", currency: "jpy", customer: { externalId: `company:${company.json.id}`, name: "Nakatomi KK", email: null }, lines: [{ description: "Seat", quantity: "2", unitAmountMinor: 1_500n }] }),
      { idempotencyKey: "create-3" },
    );
    expect(yen).toMatchObject({ currency: "JPY", totalMinor: 3_000n, customerExternalId: `company:${company.json.id}` });
    expect((yen.raw as Json).properties.hs_amount_billed).toBe("3000");
  });

  it("records payments once per idempotency key, to PARTIALLY_PAID then PAID, and voids", async () => {
    const portal = await newPortal("Payments Co");
    const client = clientFor(portal);
    const invoice = await client.createInvoice(draft({ concordId: "inv_p_1", currency: "KWD", lines: [{ description: "Service", quantity: "1", unitAmountMinor: 12_345n }] }), { idempotencyKey: "c" });
    expect((invoice.raw as Json).properties.hs_amount_billed).toBe("12.345");
    const pay = (amountMinor: bigint, paidOn = "2026-03-10", currency = "KWD") => ({ invoiceExternalId: invoice.externalId, amountMinor, currency, paidOn, reference: null });

    const payment = await client.recordPayment(pay(2_005n), { idempotencyKey: "pay-1" });
    expect(payment).toMatchObject({ kind: "PAYMENT", invoiceExternalIds: [invoice.externalId], amountMinor: 2_005n, currency: "KWD", paidOn: "2026-03-10", customerExternalId: invoice.customerExternalId });
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: 2_005n, amountDueMinor: 10_340n });

    const replay = await client.recordPayment(pay(2_005n), { idempotencyKey: "pay-1" });
    expect(replay.externalId).toBe(payment.externalId);
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ amountPaidMinor: 2_005n });

    await expect(client.recordPayment(pay(10_341n), { idempotencyKey: "pay-2" })).rejects.toMatchObject({ kind: "invalid", details: { code: "OVERPAYMENT" } });
    await expect(client.recordPayment(pay(1n, "2026-03-11", "USD"), { idempotencyKey: "pay-3" })).rejects.toMatchObject({ kind: "invalid", details: { code: "CURRENCY_MISMATCH" } });
    await expect(client.recordPayment({ ...pay(1n), invoiceExternalId: "1" }, { idempotencyKey: "pay-4" })).rejects.toMatchObject({ kind: "not_found" });

    await client.recordPayment(pay(10_340n, "2026-03-12"), { idempotencyKey: "pay-5" });
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 12_345n, amountDueMinor: 0n, paidDate: "2026-03-12" });

    const other = await client.createInvoice(draft({ concordId: "inv_p_2" }), { idempotencyKey: "c2" });
    const voided = await client.voidInvoice(other.externalId, { idempotencyKey: "void-1" });
    expect(voided).toMatchObject({ status: "VOID", externalId: other.externalId, customerExternalId: other.customerExternalId });
    expect(voided.version >= other.version).toBe(true);
    expect((await client.voidInvoice(other.externalId, { idempotencyKey: "void-1" })).version).toBe(voided.version);
    await expect(client.recordPayment({ ...pay(1n, "2026-03-12", "EUR"), invoiceExternalId: other.externalId }, { idempotencyKey: "pay-6" })).rejects.toMatchObject({ details: { code: "INVOICE_VOIDED" } });
  });

  it("moves the due date once (a repeat writes nothing), and refuses new lines and voided invoices without writing", async () => {
    const portal = await newPortal("Updates Co");
    const client = clientFor(portal);
    const invoice = await client.createInvoice(draft({ concordId: "inv_u_1" }), { idempotencyKey: "c-u" });
    const moved = await client.updateInvoice(invoice.externalId, { dueDate: "2026-05-15" }, { idempotencyKey: "u-1" });
    expect(moved).toMatchObject({ dueDate: "2026-05-15", totalMinor: 36_500n, status: "OPEN" });
    expect((await client.updateInvoice(invoice.externalId, { dueDate: "2026-05-15" }, { idempotencyKey: "u-1" })).version).toBe(moved.version);
    await expect(client.updateInvoice(invoice.externalId, { lines: [{ description: "Hours", quantity: "1", unitAmountMinor: 1n }] }, { idempotencyKey: "u-2" })).rejects.toMatchObject({ kind: "unsupported", details: { code: "lines_unsupported" } });
    await expect(client.updateInvoice(invoice.externalId, { dueDate: "2026-02-30" }, { idempotencyKey: "u-3" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_update" } });
    await client.voidInvoice(invoice.externalId, { idempotencyKey: "v-u" });
    await expect(client.updateInvoice(invoice.externalId, { dueDate: "2026-06-01" }, { idempotencyKey: "u-4" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invoice_void" } });
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ dueDate: "2026-05-15", status: "VOID" });
    expect(hubspotConnector.updatesIssued).toEqual({ dueDate: true, lines: false });
  });

  it("refuses refunds as unsupported, without calling HubSpot or changing the invoice", async () => {
    const portal = await newPortal("Refunds Co");
    const client = clientFor(portal);
    const invoice = await client.createInvoice(draft({ concordId: "inv_r_1" }), { idempotencyKey: "c-r" });
    await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 36_500n, currency: "EUR", paidOn: "2026-03-10", reference: null }, { idempotencyKey: "pay-r" });
    const paid = await client.getInvoice(invoice.externalId);
    // Requests HubSpot's API answered so far (the stats call counts itself, so it is left out).
    const apiRequests = async () => JSON.stringify({ ...((await call("GET", "/_sandbox/stats")).json.requests as Record<string, unknown>), "GET /_sandbox/stats": null });
    const requestsBefore = await apiRequests();
    const refused = client.recordRefund({ invoiceExternalId: invoice.externalId, amountMinor: 1_000n, currency: "EUR", refundedOn: "2026-03-11", reference: null }, { idempotencyKey: "refund-r" });
    await expect(refused).rejects.toBeInstanceOf(ProviderError);
    await expect(refused).rejects.toMatchObject({ provider: "hubspot", kind: "unsupported", transient: false, details: { code: "refunds_unsupported" } });
    expect(await apiRequests()).toBe(requestsBefore);
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 36_500n, version: paid!.version });
    expect(hubspotConnector.supportsRefunds).toBe(false);
  });
});

describe("limits and errors", () => {
  it("waits out a 429 (Retry-After) through the http layer and then succeeds", async () => {
    const portal = await newPortal("Busy Co");
    await control("clock", { scale: 10 }); // the 10-second window lasts 1 s
    try {
      const before = (await call("GET", "/_sandbox/stats")).json.rateLimited as number;
      const burn = await Promise.all(Array.from({ length: 100 }, () => call("GET", "/crm/v3/objects/invoices?limit=1", { token: portal.accessToken })));
      expect(burn.every((r) => r.status === 200)).toBe(true);
      const started = Date.now();
      expect(await clientFor(portal).listInvoices(null)).toEqual({ items: [], next: null });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect((await call("GET", "/_sandbox/stats")).json.rateLimited).toBe(before + 1);
    } finally {
      await control("clock", { scale: 1 });
    }
  });

  it("keeps searches under HubSpot's 5 per second", async () => {
    const portal = await newPortal("Search Co");
    const client = clientFor(portal);
    const before = (await call("GET", "/_sandbox/stats")).json.rateLimited as number;
    const cursor = await client.startCursor();
    // Three calls at once make nine searches: without the search gate, four would be refused.
    await Promise.all([client.changes(cursor), client.changes(cursor), client.changes(cursor)]);
    expect((await call("GET", "/_sandbox/stats")).json.rateLimited).toBe(before);
  });

  it("classifies HubSpot's errors by status and category", () => {
    const api = (status: number, body: unknown, headers: Record<string, string> = {}) => classifyHubspot(new ApiException(status, "An error occurred.", body, headers));
    expect(api(429, { message: "You have reached your secondly limit." }, { "retry-after": "3" })).toMatchObject({ kind: "rate_limited", details: { retryAfterSeconds: 3 } });
    expect(api(429, {})).toMatchObject({ kind: "rate_limited", details: { retryAfterSeconds: 10 } });
    expect(api(401, { category: "EXPIRED_AUTHENTICATION" })).toMatchObject({ kind: "unauthorized", details: { code: "EXPIRED_AUTHENTICATION" } });
    expect(api(401, { category: "INVALID_AUTHENTICATION" }).kind).toBe("unauthorized");
    expect(api(404, { category: "OBJECT_NOT_FOUND" }).kind).toBe("not_found");
    expect(api(400, { category: "VALIDATION_ERROR" })).toMatchObject({ kind: "invalid", transient: false });
    expect(api(409, { category: "CONFLICT" }).kind).toBe("conflict");
    expect(api(403, { category: "MISSING_SCOPES" }).kind).toBe("forbidden");
    expect(api(503, { category: "SERVICE_UNAVAILABLE" })).toMatchObject({ kind: "server", transient: true });
    expect(api(500, "not json")).toMatchObject({ kind: "server", details: { status: 500 } });
    expect(api(400, { status: "BAD_REFRESH_TOKEN", message: "missing or unknown refresh token" }).details.code).toBe("BAD_REFRESH_TOKEN");
    expect(classifyHubspot(new TypeError("fetch failed")).kind).toBe("network");
    expect(classifyHubspot(new DOMException("The operation timed out.", "TimeoutError")).kind).toBe("timeout");
  });
});

/** A local webhook receiver. */
async function receiver() {
  const received: { path: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const srv = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  return { received, base, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

describe("webhooks", () => {
  it("verifies real deliveries (timing-safe, 5-minute window) and parses them into hints", async () => {
    const hook = await receiver();
    try {
      const portal = await newPortal("Hooks Co");
      const secret = settings.webhookSecret!;
      expect(secret).toBe(settings.clientSecret); // HubSpot signs with the app's client secret
      await control("webhooks", { accountId: portal.accountId, url: `${hook.base}/api/webhooks/hubspot?source=sandbox`, secret });
      const client = clientFor(portal);
      const invoice = await client.createInvoice(
        { concordId: "inv_h_1", number: null, customer: { externalId: null, name: "Hook Person", email: "hook@hooks.test" }, currency: "USD", issueDate: null, dueDate: null, memo: null, lines: [{ description: "x", quantity: "1", unitAmountMinor: 100n }] },
        { idempotencyKey: "h1" },
      );
      await call("DELETE", `/crm/v3/objects/invoices/${invoice.externalId}`, { token: portal.accessToken });
      await sb.webhooks.idle();
      expect(hook.received.length).toBeGreaterThanOrEqual(3);

      const { verify, parse } = hubspotConnector.webhooks;
      const now = new Date();
      const events = [];
      for (const r of hook.received) {
        const headers = new Headers(Object.entries(r.headers).map(([k, v]): [string, string] => [k, String(v)]));
        const request: WebhookRequest = { method: "POST", url: `${hook.base}${r.path}`, headers, rawBody: r.body };
        expect(verify(request, secret, now)).toEqual({ ok: true });
        const timestamp = Number(headers.get("x-hubspot-request-timestamp"));
        // The SDK's own check (not timing-safe, so not used in production) agrees.
        expect(Signature.isValid({ signatureVersion: "v3", signature: headers.get("x-hubspot-signature-v3")!, clientSecret: secret, requestBody: r.body, url: request.url, timestamp })).toBe(true);

        expect(verify({ ...request, rawBody: r.body.replace(portal.accountId, "1") }, secret, now)).toMatchObject({ ok: false, reason: /does not match/ });
        expect(verify(request, "wrong-secret", now).ok).toBe(false);
        expect(verify({ ...request, url: `${hook.base}/api/webhooks/hubspot` }, secret, now).ok).toBe(false);
        expect(verify(request, secret, new Date(timestamp + 6 * 60_000))).toMatchObject({ ok: false, reason: /old/ });
        expect(verify(request, secret, new Date(timestamp - 6 * 60_000))).toMatchObject({ ok: false, reason: /future/ });
        const unsigned = new Headers(headers);
        unsigned.delete("x-hubspot-signature-v3");
        expect(verify({ ...request, headers: unsigned }, secret, now).ok).toBe(false);
        events.push(...parse(r.body));
      }

      expect(events.every((e) => e.accountId === portal.accountId)).toBe(true);
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      const hints = events.flatMap((e) => e.hints);
      expect(hints).toContainEqual({ entity: "customer", externalId: invoice.customerExternalId, deleted: false });
      expect(hints).toContainEqual({ entity: "invoice", externalId: invoice.externalId, deleted: false });
      expect(hints).toContainEqual({ entity: "invoice", externalId: invoice.externalId, deleted: true });
      // The hint is followed by a fresh read: the deleted invoice reads as deleted, not as unknown.
      expect(await client.getInvoice(invoice.externalId)).toMatchObject({ deleted: true, crossReference: "inv_h_1" });
    } finally {
      await hook.close();
    }
  });
});

describe("the exported connector", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("reads its settings when called, not when imported", async () => {
    vi.stubEnv("CONCORD_PROVIDERS", "sandbox");
    vi.stubEnv("SANDBOX_HUBSPOT_PORT", String(server.port));
    expect(hubspotConnector).toMatchObject({ id: "hubspot", label: "HubSpot", oauth: { usesPkce: false } });
    expect(hubspotConnector.oauth.authorizeUrl({ state: "s", redirectUri: REDIRECT, codeChallenge: null })).toMatch(new RegExp(`^${server.url}/oauth/authorize\\?`));
    const portal = await newPortal("Exported Co");
    expect(await hubspotConnector.client(contextFor(portal)).listInvoices(null)).toEqual({ items: [], next: null });
  });
});
