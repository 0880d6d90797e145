/**
 * The Xero connector against the Xero sandbox, in-process: the OAuth flow through the consent
 * page, paged reads of a seeded organisation, single reads, the incremental pull, and the shared
 * HTTP layer's 401 refresh and 429 handling. Writes and webhooks: xero-writes.test.ts.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AccountingApi } from "xero-node";
import { ProviderError, ReauthRequiredError } from "../errors";
import type { ExternalInvoice, Page, ProviderClient } from "../types";
import { classify } from "./api";
import { type Harness, newOrg, type Org, raw, sleep, startHarness, vault } from "./testing";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const REDIRECT = "http://127.0.0.1:9/api/connections/xero/callback";

/** Submits the sandbox's consent form the way a browser would, choosing organisations. */
async function consent(authorizeUrl: string, choose: { accounts: string[]; newName?: string; decision?: "approve" | "deny" }): Promise<URL> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  expect(action).toBeDefined();
  const form = new URLSearchParams();
  for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, value!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  for (const account of choose.accounts) form.append("account", account);
  form.set("new_account_name", choose.newName ?? "Sandbox company");
  form.set("decision", choose.decision ?? "approve");
  const answer = await fetch(new URL(action!, authorizeUrl), { method: "POST", body: form, redirect: "manual" });
  expect(answer.status).toBe(302);
  return new URL(answer.headers.get("location")!);
}

function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

async function drain<T>(read: (cursor: string | null) => Promise<Page<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.next;
    pages += 1;
  } while (cursor && pages < 20);
  return { items, pages };
}

describe("OAuth", () => {
  it("connects through the consent page with PKCE, returns every organisation of the grant, rotates refresh tokens and revokes", async () => {
    const existing = await newOrg(h, "Existing Org Ltd");
    const { verifier, challenge } = pkce();
    const authorizeUrl = h.connector.oauth.authorizeUrl({ state: "state-123", redirectUri: REDIRECT, codeChallenge: challenge });
    const url = new URL(authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${h.url}/identity/connect/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ response_type: "code", client_id: "concord-sandbox-client", redirect_uri: REDIRECT, state: "state-123", code_challenge: challenge, code_challenge_method: "S256" });
    expect(url.searchParams.get("scope")).toContain("offline_access");
    expect(h.connector.oauth.usesPkce).toBe(true);

    const callback = await consent(authorizeUrl, { accounts: [existing.tenantId, "__new__"], newName: "Second Org Ltd" });
    expect(callback.searchParams.get("state")).toBe("state-123");
    const code = callback.searchParams.get("code")!;
    const before = Date.now();
    const { tokens, accounts } = await h.connector.oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier, callback: callback.searchParams });
    expect(tokens.accessToken).toMatch(/^xero_at_/);
    expect(tokens.refreshToken).toMatch(/^xero_rt_/);
    expect(tokens.expiresAt).toBeGreaterThanOrEqual(before + 1_800_000);
    expect(tokens.scope).toContain("accounting.invoices");
    expect(accounts).toHaveLength(2);
    expect(accounts).toContainEqual({ externalAccountId: existing.tenantId, displayName: "Existing Org Ltd" });
    const second = accounts.find((a) => a.externalAccountId !== existing.tenantId)!;
    expect(second.displayName).toBe("Second Org Ltd");

    // The code was used: a replayed callback is refused, as an error of the request, not a reauth.
    await expect(h.connector.oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: verifier, callback: callback.searchParams })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_grant" } });

    // The one token reaches both organisations.
    const org: Org = { tenantId: second.externalAccountId, tokens };
    expect((await vault(h, org).client.listInvoices(null)).items).toEqual([]);

    const refreshed = await h.connector.oauth.refresh(tokens);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect(refreshed.scope).toBe(tokens.scope);
    // Rotation: the used refresh token is dead.
    await expect(h.connector.oauth.refresh(tokens)).rejects.toBeInstanceOf(ReauthRequiredError);

    await h.connector.oauth.revoke(refreshed, second.externalAccountId);
    await expect(h.connector.oauth.refresh(refreshed)).rejects.toBeInstanceOf(ReauthRequiredError);
    // With the grant gone, a 401 leads to a refresh that is refused: the connection needs a person.
    const revoked = vault(h, { tenantId: second.externalAccountId, tokens: refreshed });
    await expect(revoked.client.listInvoices(null)).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it("refuses a wrong PKCE verifier, and turns a refused or missing refresh token into ReauthRequiredError", async () => {
    const { challenge } = pkce();
    const callback = await consent(h.connector.oauth.authorizeUrl({ state: "s", redirectUri: REDIRECT, codeChallenge: challenge }), { accounts: ["__new__"] });
    await expect(h.connector.oauth.exchangeCode({ code: callback.searchParams.get("code")!, redirectUri: REDIRECT, codeVerifier: pkce().verifier, callback: callback.searchParams })).rejects.toBeInstanceOf(ProviderError);

    const bogus = { accessToken: "xero_at_nope", refreshToken: "xero_rt_nope", expiresAt: null, scope: null };
    await expect(h.connector.oauth.refresh(bogus)).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(h.connector.oauth.refresh({ ...bogus, refreshToken: null })).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it("brings the person back with access_denied when they deny (nothing to exchange)", async () => {
    const callback = await consent(h.connector.oauth.authorizeUrl({ state: "s", redirectUri: REDIRECT, codeChallenge: null }), { accounts: ["__new__"], decision: "deny" });
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("code")).toBeNull();
  });
});

describe("reads", () => {
  let org: Org;
  let client: ProviderClient;
  let invoices: ExternalInvoice[];
  beforeAll(async () => {
    org = await newOrg(h, "Seeded Org");
    await h.control("seed", { accountId: org.tenantId, seed: 11, customers: 15, invoices: 130 });
    client = vault(h, org).client;
  });

  it("pages through every sales invoice (100 a page), leaving out bills", async () => {
    const { items, pages } = await drain((c) => client.listInvoices(c));
    invoices = items;
    expect(pages).toBe(2);
    const all = (await raw(h, org, "GET", "/Invoices")).body.Invoices as { InvoiceID: string; Type: string }[];
    const sales = all.filter((i) => i.Type === "ACCREC").map((i) => i.InvoiceID);
    expect(sales.length).toBe(130);
    expect(all.length).toBeGreaterThan(130); // the supplier bills the seed adds
    expect(items.map((i) => i.externalId).sort()).toEqual(sales.sort());
    expect(new Set(items.map((i) => i.status))).toEqual(new Set(["DRAFT", "OPEN", "PARTIALLY_PAID", "PAID", "VOID"]));
    for (const i of items) expect(i.amountPaidMinor + i.amountDueMinor).toBe(i.status === "VOID" ? i.amountPaidMinor : i.totalMinor);
  });

  it("pages through payments on sales invoices and through customers", async () => {
    const payments = (await drain((c) => client.listPayments(c))).items;
    const rawPayments = (await raw(h, org, "GET", "/Payments")).body.Payments as { PaymentID: string; PaymentType: string }[];
    expect(payments.map((p) => p.externalId).sort()).toEqual(rawPayments.filter((p) => p.PaymentType === "ACCRECPAYMENT").map((p) => p.PaymentID).sort());
    const invoiceIds = new Set(invoices.map((i) => i.externalId));
    for (const p of payments) expect(invoiceIds.has(p.invoiceExternalIds[0]!)).toBe(true);

    const customers = (await drain((c) => client.listCustomers(c))).items;
    expect(customers.length).toBeGreaterThan(0);
    expect(customers.length).toBeLessThanOrEqual(15);
    const customerIds = new Set(customers.map((c) => c.externalId));
    for (const i of invoices) expect(customerIds.has(i.customerExternalId!)).toBe(true);
  });

  it("reads one record, and answers null for unknown ids and for bills", async () => {
    const paid = invoices.find((i) => i.status === "PAID")!;
    expect(await client.getInvoice(paid.externalId)).toEqual({ ...paid, raw: expect.anything() });
    expect(await client.getInvoice(randomUUID())).toBeNull();
    const bill = ((await raw(h, org, "GET", '/Invoices?where=Type=="ACCPAY"')).body.Invoices as { InvoiceID: string }[])[0]!;
    expect(await client.getInvoice(bill.InvoiceID)).toBeNull();

    const payment = (await client.listPayments(null)).items[0]!;
    expect((await client.getPayment(payment.externalId))?.amountMinor).toBe(payment.amountMinor);
    expect(await client.getPayment(randomUUID())).toBeNull();
    const customer = (await client.listCustomers(null)).items[0]!;
    expect((await client.getCustomer(customer.externalId))?.name).toBe(customer.name);
    expect(await client.getCustomer(randomUUID())).toBeNull();
  });
});

describe("changes", () => {
  it("returns what changed after the cursor, then nothing with the new cursor", async () => {
    const org = await newOrg(h, "Changing Org");
    await h.control("seed", { accountId: org.tenantId, seed: 3, customers: 3, invoices: 8 });
    const { client } = vault(h, org);
    const open = (await client.listInvoices(null)).items.find((i) => i.status === "OPEN")!;
    const cursor = await client.startCursor();
    expect(new Date(cursor).toISOString()).toBe(cursor);
    await sleep(5);

    const contact = await raw(h, org, "PUT", "/Contacts", { Name: "New Customer Ltd" });
    expect(contact.status).toBe(200);
    const payment = await raw(h, org, "PUT", "/Payments", { Invoice: { InvoiceID: open.externalId }, Account: { Code: "090" }, Amount: 1, Date: "2026-11-01" });
    expect(payment.status).toBe(200);

    const changed = await client.changes(cursor);
    expect(changed.hasMore).toBe(false);
    expect(changed.invoices.map((i) => i.externalId)).toEqual([open.externalId]);
    expect(changed.invoices[0]).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: open.amountPaidMinor + 100n });
    expect(changed.invoices[0]!.version > open.version).toBe(true);
    expect(changed.payments.map((p) => p.externalId)).toEqual([payment.body.Payments[0].PaymentID]);
    expect(changed.customers.map((c) => c.name)).toEqual(["New Customer Ltd"]);
    expect(changed.cursor > cursor).toBe(true);

    const again = await client.changes(changed.cursor);
    expect(again).toEqual({ invoices: [], payments: [], customers: [], cursor: changed.cursor, hasMore: false });
  });

  it("pulls in pages on a small budget, answers hasMore, and resumes from its cursor without losing records", async () => {
    const small = await startHarness({ pageSize: 5, maxRequestsPerCollection: 1 });
    try {
      const org = await newOrg(small, "Bulk Org");
      const { client } = vault(small, org);
      const cursor = await client.startCursor();
      await sleep(5);
      // Seeding stamps every record with the same millisecond: the hardest case for keyset paging.
      await small.control("seed", { accountId: org.tenantId, seed: 5, customers: 4, invoices: 14 });
      const expected = ((await raw(small, org, "GET", '/Invoices?where=Type=="ACCREC"')).body.Invoices as { InvoiceID: string }[]).map((i) => i.InvoiceID).sort();
      expect(expected.length).toBeGreaterThan(10);

      const seen = new Set<string>();
      let next = cursor;
      let calls = 0;
      let more = true;
      while (more && calls < 10) {
        const changed = await client.changes(next);
        for (const i of changed.invoices) seen.add(i.externalId);
        more = changed.hasMore;
        next = changed.cursor;
        calls += 1;
      }
      expect(calls).toBeGreaterThan(1);
      expect(more).toBe(false);
      expect([...seen].sort()).toEqual(expected);
    } finally {
      await small.close();
    }
  });
});

describe("the shared HTTP layer", () => {
  it("refreshes once on 401 (an expired access token) and succeeds", async () => {
    // Tokens issued now live 1 s at 50× speed: 20 ms.
    await h.control("clock", { scale: 50 });
    await h.control("oauth", { accessTokenTtlSeconds: 1 });
    const org = await newOrg(h, "Expiring Org");
    await h.control("oauth", { accessTokenTtlSeconds: 1800 });
    await h.control("clock", { scale: 1 });
    await sleep(40);
    expect((await raw(h, org, "GET", "/Contacts")).body).toMatchObject({ Detail: expect.stringMatching(/^TokenExpired/) });
    const sdk = new AccountingApi(`${h.url}/api.xro/2.0`);
    sdk.accessToken = org.tokens.accessToken;
    expect(classify(await sdk.getContacts(org.tenantId).catch((e: unknown) => e))).toMatchObject({ kind: "unauthorized", details: { status: 401, code: "TokenExpired" } });

    const v = vault(h, org);
    expect((await v.client.listCustomers(null)).items).toEqual([]);
    expect(v.state.refreshes).toBe(1);
    expect((await v.client.listInvoices(null)).items).toEqual([]);
    expect(v.state.refreshes).toBe(1);
  });

  it("waits out a 429 (Retry-After) and then succeeds", async () => {
    const org = await newOrg(h, "Busy Org");
    // A minute lasts two seconds at 30×; another app used up this organisation's 60 calls.
    await h.control("clock", { scale: 30 });
    try {
      let status = 200;
      for (let i = 0; i < 61 && status === 200; i++) status = (await raw(h, org, "GET", "/Contacts")).status;
      expect(status).toBe(429);
      // What xero-node rejects with carries the headers the shared layer needs.
      const sdk = new AccountingApi(`${h.url}/api.xro/2.0`);
      sdk.accessToken = org.tokens.accessToken;
      const rejection: unknown = await sdk.getContacts(org.tenantId).catch((e: unknown) => e);
      expect(classify(rejection)).toMatchObject({ kind: "rate_limited", details: { status: 429, code: "minute", retryAfterSeconds: expect.any(Number) } });
      const limitedBefore = (await h.stats()).rateLimited as number;
      const started = Date.now();
      const page = await vault(h, org).client.listCustomers(null);
      expect(page.items).toEqual([]);
      expect((await h.stats()).rateLimited).toBeGreaterThan(limitedBefore);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await h.control("clock", { scale: 1 });
    }
  });
});
