/**
 * The QuickBooks connector against the QuickBooks sandbox started in-process: Intuit's OAuth
 * flow through the consent page, refresh-token rotation and revocation, paging, reads, CDC,
 * writes with requestid idempotency and SyncToken refetch, 401 and 429 handling through the
 * shared HTTP layer, and signed webhook deliveries to a local receiver.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox } from "../../sandbox";
import { requireSettings, type ProviderSettings } from "../config";
import { ProviderError, ReauthRequiredError } from "../errors";
import type { ClientContext, Connector, ExternalCustomer, ExternalInvoice, ExternalPayment, InvoiceDraft, ProviderClient, TokenSet } from "../types";
import { createQuickbooksConnector } from "./index";
import { DELETED_VERSION } from "./mappers";

type Json = Record<string, unknown>;

let sandbox: ReturnType<typeof createSandbox>;
let server: { url: string; port: number; close: () => Promise<void> };
let settings: ProviderSettings<"quickbooks">;
let connector: Connector;

async function control(path: string, body?: unknown, method = "POST"): Promise<Json> {
  const res = await fetch(`${server.url}/_sandbox${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return (await res.json()) as Json;
}

beforeAll(async () => {
  sandbox = createSandbox("quickbooks");
  server = await sandbox.listen(0);
  settings = requireSettings("quickbooks", { CONCORD_PROVIDERS: "sandbox", SANDBOX_QUICKBOOKS_PORT: String(server.port) });
  connector = createQuickbooksConnector(() => settings, { pageSize: 10 });
  // The sandbox's own windows run 1000× faster, so only Concord's limiter paces these tests;
  // token lifetimes scale too, so they are made long enough to outlast the run.
  await control("/oauth", { accessTokenTtlSeconds: 31_536_000 });
  await control("/clock", { scale: 1000 });
});

afterAll(async () => {
  await server.close();
});

let keys = 0;

type Realm = {
  realmId: string;
  tokens: { current: TokenSet };
  refreshes: number;
  /** A client on its own connection key, so tests are paced only by their own calls. */
  client(hook?: (call: number) => Promise<void>): ProviderClient;
  raw(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<{ status: number; body: Json }>;
};

async function realm(name = "Test Books"): Promise<Realm> {
  const account = (await control("/accounts", { name })) as { accountId: string; accessToken: string; refreshToken: string };
  const r: Realm = {
    realmId: account.accountId,
    tokens: { current: { accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: null, scope: null } },
    refreshes: 0,
    client(hook) {
      let calls = 0;
      const context: ClientContext = {
        accountId: r.realmId,
        connectionKey: `quickbooks-test:${++keys}`,
        // What the vault does: a forced refresh stores the rotated set before anyone uses it.
        accessToken: async (forceRefresh) => {
          if (forceRefresh) {
            r.tokens.current = await connector.oauth.refresh(r.tokens.current);
            r.refreshes += 1;
          } else {
            calls += 1;
            await hook?.(calls);
          }
          return r.tokens.current.accessToken;
        },
      };
      return connector.client(context);
    },
    async raw(method, path, body, query = {}) {
      const url = new URL(`${server.url}/v3/company/${r.realmId}${path}`);
      url.searchParams.set("minorversion", "75");
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const res = await fetch(url, {
        method,
        headers: { accept: "application/json", authorization: `Bearer ${r.tokens.current.accessToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    },
  };
  return r;
}

async function pageAll<T>(list: (cursor: string | null) => Promise<{ items: T[]; next: string | null }>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await list(cursor);
    items.push(...page.items);
    cursor = page.next;
    pages += 1;
  } while (cursor !== null && pages < 50);
  return { items, pages };
}

function draft(overrides: Partial<InvoiceDraft> = {}): InvoiceDraft {
  return {
    concordId: "cinv_wonka_1",
    number: null,
    customer: { externalId: null, name: "Wonka Foods", email: "ap@wonka.test" },
    currency: "USD",
    issueDate: "2026-03-01",
    dueDate: "2026-03-31",
    memo: "Thank you",
    lines: [
      { description: "Golden tickets", quantity: "2", unitAmountMinor: 1250n },
      { description: "Chocolate", quantity: "1.5", unitAmountMinor: 333n },
    ],
    ...overrides,
  };
}

function decodeHtml(text: string): string {
  return text.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

describe("OAuth", () => {
  const redirectUri = "http://127.0.0.1:9/api/connections/quickbooks/callback";

  /** Approves the consent page as a person's browser would and returns the callback's query. */
  async function consent(state: string, companyName: string): Promise<URLSearchParams> {
    const url = new URL(connector.oauth.authorizeUrl({ state, redirectUri, codeChallenge: null }));
    expect(`${url.origin}${url.pathname}`).toBe(`${server.url}/connect/oauth2`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: "concord-sandbox-client", response_type: "code", scope: "com.intuit.quickbooks.accounting", redirect_uri: redirectUri, state });
    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    const form = new URLSearchParams();
    for (const [, name, value] of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(name!, decodeHtml(value!));
    form.set("account", "__new__");
    form.set("new_account_name", companyName);
    form.set("decision", "approve");
    const action = decodeHtml(/<form method="post" action="([^"]+)"/.exec(html)![1]!);
    const answer = await fetch(new URL(action, server.url), { method: "POST", body: form, redirect: "manual" });
    expect(answer.status).toBe(302);
    const callback = new URL(answer.headers.get("location")!);
    expect(`${callback.origin}${callback.pathname}`).toBe(redirectUri);
    return callback.searchParams;
  }

  it("runs the code flow end to end: consent, exchange, identity, rotation, revoke", async () => {
    expect(connector.oauth.usesPkce).toBe(false);
    const callback = await consent("state-abc", "Concord Test Books");
    expect(callback.get("state")).toBe("state-abc");
    const realmId = callback.get("realmId")!;
    expect(realmId).toMatch(/^\d+$/);

    const { tokens, accounts } = await connector.oauth.exchangeCode({ code: callback.get("code")!, redirectUri, codeVerifier: null, callback });
    expect(accounts).toEqual([{ externalAccountId: realmId, displayName: "Concord Test Books" }]);
    expect(tokens.refreshToken).toMatch(/^AB11/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now() + 3_000_000); // an hour, as Intuit issues them

    // A code is single-use.
    await expect(connector.oauth.exchangeCode({ code: callback.get("code")!, redirectUri, codeVerifier: null, callback })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_grant" } });

    // Rotation: the refresh returns a new refresh token and the old one is dead from then on.
    const rotated = await connector.oauth.refresh(tokens);
    expect(rotated.refreshToken).not.toBe(tokens.refreshToken);
    expect(rotated.accessToken).not.toBe(tokens.accessToken);
    await expect(connector.oauth.refresh(tokens)).rejects.toBeInstanceOf(ReauthRequiredError);

    const client = connector.client({ accountId: realmId, connectionKey: `quickbooks-test:${++keys}`, accessToken: async () => rotated.accessToken });
    expect(await client.startCursor()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);

    // Revoking the refresh token ends the grant: no refresh, no API calls.
    await connector.oauth.revoke(rotated, realmId);
    await expect(connector.oauth.refresh(rotated)).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(client.getInvoice("1")).rejects.toMatchObject({ kind: "unauthorized", details: { status: 401, code: "3200" } });
    await connector.oauth.revoke(rotated, realmId); // revoking again is harmless
  });

  it("refuses a callback without realmId and a refresh token Intuit does not know", async () => {
    await expect(connector.oauth.exchangeCode({ code: "code_x", redirectUri, codeVerifier: null, callback: new URLSearchParams({ code: "code_x" }) })).rejects.toBeInstanceOf(ProviderError);
    const refused = connector.oauth.refresh({ accessToken: "a", refreshToken: "AB11-never-issued", expiresAt: null, scope: null });
    await expect(refused).rejects.toBeInstanceOf(ReauthRequiredError);
    await expect(connector.oauth.refresh({ accessToken: "a", refreshToken: null, expiresAt: null, scope: null })).rejects.toBeInstanceOf(ReauthRequiredError);
  });
});

describe("reading a seeded company", () => {
  let books: Realm;
  let created: { Customer: number; Invoice: number; Payment: number };

  beforeAll(async () => {
    books = await realm("Seeded Books");
    const seeded = await control("/seed", { accountId: books.realmId, seed: 3, customers: 6, invoices: 23, currencies: ["USD", "EUR", "JPY"] });
    created = seeded.created as typeof created;
  });

  it("pages through invoices, payments and customers, and the money adds up", async () => {
    const invoices = await pageAll((c) => books.client().listInvoices(c));
    const payments = await pageAll((c) => books.client().listPayments(c));
    const customers = await pageAll((c) => books.client().listCustomers(c));
    expect(invoices.items).toHaveLength(created.Invoice);
    expect(invoices.pages).toBe(3); // 10 + 10 + 3
    expect(new Set(invoices.items.map((i) => i.externalId)).size).toBe(created.Invoice);
    expect(payments.items).toHaveLength(created.Payment);
    expect(customers.items).toHaveLength(created.Customer);

    const statuses = new Set(invoices.items.map((i) => i.status));
    expect(statuses.size).toBeGreaterThanOrEqual(3);
    for (const invoice of invoices.items) {
      expect(["USD", "EUR", "JPY"]).toContain(invoice.currency);
      expect(invoice.amountPaidMinor + invoice.amountDueMinor).toBe(invoice.totalMinor);
      const applied = payments.items.filter((p) => p.invoiceExternalIds.includes(invoice.externalId)).reduce((sum, p) => sum + p.amountMinor, 0n);
      expect(applied, `invoice ${invoice.number}`).toBe(invoice.amountPaidMinor);
      if (invoice.status !== "VOID") expect(invoice.lines.reduce((sum, l) => sum + l.amountMinor, 0n)).toBe(invoice.totalMinor);
      expect(invoice.issueDate).toMatch(/^2026-\d{2}-\d{2}$/);
    }
  });

  it("gets single records, and null for ids QuickBooks does not know", async () => {
    const client = books.client();
    const first = (await client.listInvoices(null)).items[0]!;
    expect(await client.getInvoice(first.externalId)).toEqual(first);
    const payment = (await client.listPayments(null)).items[0]!;
    expect(await client.getPayment(payment.externalId)).toEqual(payment);
    const customer = (await client.listCustomers(null)).items[0]!;
    expect(await client.getCustomer(customer.externalId)).toEqual(customer);
    expect(await client.getInvoice("999999")).toBeNull();
    expect(await client.getPayment("999999")).toBeNull();
    expect(await client.getCustomer("999999")).toBeNull();
  });
});

describe("writes", () => {
  it("creates an invoice with its customer and cross-reference, once per idempotency key", async () => {
    const books = await realm("Write Books");
    const client = books.client();
    const invoice = await client.createInvoice(draft({ number: "C-1001" }), { idempotencyKey: "push:cinv_wonka_1:v1:quickbooks" });
    expect(invoice).toMatchObject({
      crossReference: "cinv_wonka_1",
      number: "C-1001",
      currency: "USD",
      totalMinor: 3000n,
      amountDueMinor: 3000n,
      status: "OPEN",
      issueDate: "2026-03-01",
      dueDate: "2026-03-31",
      memo: "Thank you",
      deleted: false,
    });
    expect(invoice.lines).toEqual([
      { description: "Golden tickets", quantity: "2", unitAmountMinor: 1250n, amountMinor: 2500n },
      { description: "Chocolate", quantity: "1.5", unitAmountMinor: 333n, amountMinor: 500n },
    ]);

    const again = await books.client().createInvoice(draft({ number: "C-1001" }), { idempotencyKey: "push:cinv_wonka_1:v1:quickbooks" });
    expect(again.externalId).toBe(invoice.externalId);
    expect((await books.client().listInvoices(null)).items).toHaveLength(1);

    // A second invoice for the same customer name finds the customer instead of creating one.
    const second = await books.client().createInvoice(draft({ concordId: "cinv_wonka_2", lines: [{ description: "Fudge", quantity: "1", unitAmountMinor: 999n }] }), { idempotencyKey: "push:cinv_wonka_2:v1:quickbooks" });
    expect(second.customerExternalId).toBe(invoice.customerExternalId);
    const customers = (await books.client().listCustomers(null)).items;
    expect(customers.map((c) => [c.name, c.email, c.currency])).toEqual([["Wonka Foods", "ap@wonka.test", "USD"]]);

    // A long key is hashed into a requestid QuickBooks accepts, the same way every time.
    const longKey = `push:${"k".repeat(80)}`;
    const third = await books.client().createInvoice(draft({ concordId: "cinv_wonka_3", customer: { externalId: customers[0]!.externalId, name: "ignored", email: null } }), { idempotencyKey: longKey });
    expect((await books.client().createInvoice(draft({ concordId: "cinv_wonka_3" }), { idempotencyKey: longKey })).externalId).toBe(third.externalId);
    expect(third.customerExternalId).toBe(customers[0]!.externalId);
  });

  it("records partial and full payments, and a repeated payment key pays once", async () => {
    const books = await realm("Payment Books");
    const invoice = await books.client().createInvoice(draft(), { idempotencyKey: "inv-pay" });
    const partial = await books.client().recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 1000n, currency: "USD", paidOn: "2026-03-05", reference: "CHK-1" }, { idempotencyKey: "pay-1" });
    expect(partial).toMatchObject({ kind: "PAYMENT", invoiceExternalIds: [invoice.externalId], amountMinor: 1000n, currency: "USD", paidOn: "2026-03-05", customerExternalId: invoice.customerExternalId });
    expect(await books.client().getInvoice(invoice.externalId)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: 1000n, amountDueMinor: 2000n });

    const rest = { invoiceExternalId: invoice.externalId, amountMinor: 2000n, currency: "USD", paidOn: "2026-03-09", reference: "a reference longer than twenty-one characters" };
    const full = await books.client().recordPayment(rest, { idempotencyKey: "pay-2" });
    expect((await books.client().recordPayment(rest, { idempotencyKey: "pay-2" })).externalId).toBe(full.externalId);
    const paid = await books.client().getInvoice(invoice.externalId);
    expect(paid).toMatchObject({ status: "PAID", amountPaidMinor: 3000n, amountDueMinor: 0n });
    expect((await books.client().listPayments(null)).items).toHaveLength(2);
    expect((full.raw as Json).PrivateNote).toBe(rest.reference);

    await expect(books.client().recordPayment({ ...rest, currency: "EUR" }, { idempotencyKey: "pay-eur" })).rejects.toMatchObject({ kind: "invalid" });
    await expect(books.client().recordPayment({ ...rest, invoiceExternalId: "999999" }, { idempotencyKey: "pay-x" })).rejects.toMatchObject({ kind: "not_found" });
  });

  it("voids an invoice, keeps its cross-reference, and voiding again is a no-op", async () => {
    const books = await realm("Void Books");
    const invoice = await books.client().createInvoice(draft(), { idempotencyKey: "inv-void" });
    const voided = await books.client().voidInvoice(invoice.externalId, { idempotencyKey: "void-1" });
    expect(voided).toMatchObject({ externalId: invoice.externalId, status: "VOID", totalMinor: 0n, amountDueMinor: 0n, crossReference: "cinv_wonka_1" });
    expect(voided.version > invoice.version).toBe(true);
    expect(await books.client().voidInvoice(invoice.externalId, { idempotencyKey: "void-2" })).toMatchObject({ status: "VOID", version: voided.version });
    await expect(books.client().voidInvoice("999999", { idempotencyKey: "void-x" })).rejects.toMatchObject({ kind: "not_found" });
  });

  it("refetches once when someone saved the invoice between the read and the void (5010)", async () => {
    const books = await realm("Stale Books");
    const invoice = await books.client().createInvoice(draft(), { idempotencyKey: "inv-stale" });
    const before = ((await control("/stats", undefined, "GET")).requests as Record<string, Record<string, number>>)["POST /v3/company/:realmId/invoice"]?.["400"] ?? 0;
    // Call 1 reads the invoice; before call 2 (the void) another user saves it.
    const client = books.client(async (call) => {
      if (call !== 2) return;
      const current = (await books.raw("GET", `/invoice/${invoice.externalId}`)).body.Invoice as Json;
      const saved = await books.raw("POST", "/invoice", { Id: current.Id, SyncToken: current.SyncToken, sparse: true, CustomerMemo: { value: "Edited meanwhile" } });
      expect(saved.status).toBe(200);
    });
    const voided = await client.voidInvoice(invoice.externalId, { idempotencyKey: "void-stale" });
    expect(voided.status).toBe("VOID");
    expect(voided.memo).toBe("Edited meanwhile");
    const after = ((await control("/stats", undefined, "GET")).requests as Record<string, Record<string, number>>)["POST /v3/company/:realmId/invoice"]?.["400"] ?? 0;
    expect(after).toBe(before + 1);
  });

  it("gives up with `stale` when the SyncToken is stale twice", async () => {
    const books = await realm("Busy Books");
    const invoice = await books.client().createInvoice(draft(), { idempotencyKey: "inv-busy" });
    await control("/faults", { staleSyncTokenRate: 1, paths: [`/v3/company/${books.realmId}/invoice`] });
    try {
      await expect(books.client().voidInvoice(invoice.externalId, { idempotencyKey: "void-busy" })).rejects.toMatchObject({ kind: "stale", details: { code: "5010" } });
    } finally {
      await control("/faults", {});
    }
    expect((await books.client().getInvoice(invoice.externalId))?.status).toBe("OPEN");
  });
});

describe("refunds", () => {
  async function paidInvoice(books: Realm, concordId: string, payment: Record<string, unknown> = {}): Promise<ExternalInvoice> {
    const invoice = await books.client().createInvoice(draft({ concordId }), { idempotencyKey: `inv-${concordId}` });
    const body = { CustomerRef: { value: invoice.customerExternalId }, TotalAmt: 30, TxnDate: "2026-03-05", Line: [{ Amount: 30, LinkedTxn: [{ TxnId: invoice.externalId, TxnType: "Invoice" }] }], ...payment };
    expect((await books.raw("POST", "/payment", body)).status).toBe(200);
    return invoice;
  }
  const receipts = async (books: Realm) => ((await books.raw("GET", "/query", undefined, { query: "SELECT * FROM RefundReceipt" })).body.QueryResponse as Json).RefundReceipt as Json[] | undefined;

  it("records a refund once per key as a RefundReceipt that reads back as REFUND of the invoice, in lists and CDC", async () => {
    const books = await realm("Refund Books");
    const cursor = await books.client().startCursor();
    const invoice = await paidInvoice(books, "cinv_refund_1");
    const refundDraft = { invoiceExternalId: invoice.externalId, amountMinor: 1200n, currency: "usd", refundedOn: "2026-03-09", reference: "Stripe re_123" };
    const refund = await books.client().recordRefund(refundDraft, { idempotencyKey: "push:refund_1:quickbooks" });
    expect(refund).toMatchObject({ kind: "REFUND", deleted: false, invoiceExternalIds: [invoice.externalId], customerExternalId: invoice.customerExternalId, currency: "USD", amountMinor: 1200n, paidOn: "2026-03-09" });
    // Out of the account the payment came in to (Undeposited Funds: the payment named none), tied to the invoice in PrivateNote.
    expect(refund.raw).toMatchObject({ DepositToAccountRef: { value: "4" }, PrivateNote: `refund-of:${invoice.externalId} Stripe re_123`, PaymentRefNum: "Stripe re_123", TotalAmt: 12, Balance: 0 });
    expect((await books.client().recordRefund(refundDraft, { idempotencyKey: "push:refund_1:quickbooks" })).externalId).toBe(refund.externalId);
    expect(await receipts(books)).toHaveLength(1);
    // The invoice is as paid as before.
    expect(await books.client().getInvoice(invoice.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 3000n, amountDueMinor: 0n });

    expect(await books.client().getPayment(refund.externalId)).toEqual(refund);
    const payments = await pageAll((c) => books.client().listPayments(c));
    expect(payments.items.map((p) => [p.kind, p.amountMinor, p.invoiceExternalIds])).toEqual([
      ["PAYMENT", 3000n, [invoice.externalId]],
      ["REFUND", 1200n, [invoice.externalId]],
    ]);
    const changes = await books.client().changes(cursor);
    expect(changes.payments.filter((p) => p.kind === "REFUND")).toEqual([expect.objectContaining({ externalId: refund.externalId, amountMinor: 1200n, paidOn: "2026-03-09", invoiceExternalIds: [invoice.externalId] })]);

    // A receipt for a cash sale names no invoice: not Concord's, left out of lists and reads.
    const cash = await books.raw("POST", "/refundreceipt", { CustomerRef: { value: invoice.customerExternalId }, DepositToAccountRef: { value: "4" }, Line: [{ DetailType: "SalesItemLineDetail", Amount: 5, SalesItemLineDetail: { ItemRef: { value: "1" } } }] });
    expect(cash.status).toBe(200);
    expect(await books.client().getPayment(String((cash.body.RefundReceipt as Json).Id))).toBeNull();
    expect((await pageAll((c) => books.client().listPayments(c))).items).toHaveLength(2);
    // Voided in QuickBooks: the refund stays, with no money.
    const stored = (await books.raw("GET", `/refundreceipt/${refund.externalId}`)).body.RefundReceipt as Json;
    expect((await books.raw("POST", "/refundreceipt", { Id: stored.Id, SyncToken: stored.SyncToken }, { operation: "void" })).status).toBe(200);
    const after = await books.client().changes(changes.cursor);
    // (The cursor's overlap may hand back the payment unchanged as well.)
    expect(after.payments.filter((p) => p.kind === "REFUND")).toEqual([expect.objectContaining({ externalId: refund.externalId, amountMinor: 0n, invoiceExternalIds: [invoice.externalId], version: "000000000001" })]);
  });

  it("pays the refund out of the account the invoice's payment went into", async () => {
    const books = await realm("Bank Refund Books");
    const invoice = await paidInvoice(books, "cinv_refund_2", { DepositToAccountRef: { value: "35", name: "Checking" } });
    const refund = await books.client().recordRefund({ invoiceExternalId: invoice.externalId, amountMinor: 3000n, currency: "USD", refundedOn: "2026-03-10", reference: null }, { idempotencyKey: "refund-2" });
    expect(refund.raw).toMatchObject({ DepositToAccountRef: { value: "35", name: "Checking" }, PrivateNote: `refund-of:${invoice.externalId}` });
    expect((refund.raw as Json).PaymentRefNum).toBeUndefined();
  });

  it("refuses bad refunds before writing anything", async () => {
    const books = await realm("Strict Refund Books");
    const invoice = await paidInvoice(books, "cinv_refund_3");
    const base = { invoiceExternalId: invoice.externalId, amountMinor: 100n, currency: "USD", refundedOn: "2026-03-09", reference: null };
    const refused = (draftPart: Partial<typeof base>, code: string, kind = "invalid") =>
      expect(books.client().recordRefund({ ...base, ...draftPart }, { idempotencyKey: `bad-${code}-${String(draftPart.amountMinor)}` })).rejects.toMatchObject({ kind, ...(code ? { details: { code } } : {}) });
    await refused({ amountMinor: 0n }, "invalid_refund");
    await refused({ amountMinor: -100n }, "invalid_refund");
    await refused({ refundedOn: "09/03/2026" }, "invalid_refund");
    await refused({ currency: "EUR" }, "currency_mismatch");
    await refused({ amountMinor: 3001n }, "refund_exceeds_paid");
    const unpaid = await books.client().createInvoice(draft({ concordId: "cinv_refund_4" }), { idempotencyKey: "inv-unpaid" });
    await refused({ invoiceExternalId: unpaid.externalId }, "refund_exceeds_paid");
    const voided = await books.client().createInvoice(draft({ concordId: "cinv_refund_5" }), { idempotencyKey: "inv-void" });
    await books.client().voidInvoice(voided.externalId, { idempotencyKey: "void-5" });
    await refused({ invoiceExternalId: voided.externalId }, "invoice_void");
    await refused({ invoiceExternalId: "999999" }, "", "not_found");
    expect(await receipts(books)).toBeUndefined();
  });

  it("reads RefundReceipt webhooks as payment hints", () => {
    const body = JSON.stringify([{ specversion: "1.0", id: "ev-rr-1", source: "intuit", type: "qbo.refundreceipt.created.v1", time: "2026-03-09T10:00:00.123456789Z", intuitentityid: "77", intuitaccountid: "9341", data: {} }]);
    expect(connector.webhooks.parse(body)[0]!.hints).toEqual([{ entity: "payment", externalId: "77", deleted: false }]);
    expect(connector.supportsRefunds).toBe(true);
  });
});

describe("incremental sync through CDC", () => {
  it("returns what changed after the cursor, deletions included, and nothing new the second time", async () => {
    const books = await realm("CDC Books");
    const client = books.client();
    const cursor = await client.startCursor();

    const paidPart = await client.createInvoice(draft({ concordId: "cinv_cdc_1" }), { idempotencyKey: "cdc-1" });
    const payment = await books.client().recordPayment({ invoiceExternalId: paidPart.externalId, amountMinor: 500n, currency: "USD", paidOn: "2026-03-02", reference: null }, { idempotencyKey: "cdc-pay" });
    const toVoid = await books.client().createInvoice(draft({ concordId: "cinv_cdc_2" }), { idempotencyKey: "cdc-2" });
    await books.client().voidInvoice(toVoid.externalId, { idempotencyKey: "cdc-void" });
    const toDelete = await books.client().createInvoice(draft({ concordId: "cinv_cdc_3" }), { idempotencyKey: "cdc-3" });
    const current = (await books.raw("GET", `/invoice/${toDelete.externalId}`)).body.Invoice as Json;
    expect((await books.raw("POST", "/invoice", { Id: current.Id, SyncToken: current.SyncToken }, { operation: "delete" })).status).toBe(200);

    const changes = await books.client().changes(cursor);
    expect(changes.hasMore).toBe(false);
    const byId = new Map(changes.invoices.map((i) => [i.externalId, i]));
    expect(byId.get(paidPart.externalId)).toMatchObject({ status: "PARTIALLY_PAID", amountDueMinor: 2500n, crossReference: "cinv_cdc_1" });
    expect(byId.get(toVoid.externalId)).toMatchObject({ status: "VOID", crossReference: "cinv_cdc_2" });
    expect(byId.get(toDelete.externalId)).toMatchObject({ deleted: true, version: DELETED_VERSION });
    expect(changes.payments.map((p) => [p.externalId, p.amountMinor, p.invoiceExternalIds])).toEqual([[payment.externalId, 500n, [paidPart.externalId]]]);
    expect(changes.customers.map((c) => c.name)).toEqual(["Wonka Foods"]);
    expect(Date.parse(changes.cursor)).toBeGreaterThanOrEqual(Date.parse(cursor));

    // The overlap may hand back the same records; never a newer version or another record.
    const seen = new Set<string>();
    const key = (kind: string, r: ExternalInvoice | ExternalPayment | ExternalCustomer) => `${kind}:${r.externalId}:${r.version}`;
    for (const r of changes.invoices) seen.add(key("i", r));
    for (const r of changes.payments) seen.add(key("p", r));
    for (const r of changes.customers) seen.add(key("c", r));
    const again = await books.client().changes(changes.cursor);
    await expect(books.client().changes("2020-01-01T00:00:00Z")).rejects.toMatchObject({ kind: "invalid", details: { code: "cursor_expired" } });
    expect(again.hasMore).toBe(false);
    const repeated = [...again.invoices.map((r) => key("i", r)), ...again.payments.map((r) => key("p", r)), ...again.customers.map((r) => key("c", r))];
    expect(repeated.filter((k) => !seen.has(k))).toEqual([]);
  });
});

describe("the shared HTTP layer", () => {
  it("refreshes once on 401 (an expired access token) and then succeeds", async () => {
    await control("/oauth", { accessTokenTtlSeconds: 1 }); // 1 ms at the test clock
    const books = await realm("Expired Books");
    await control("/oauth", { accessTokenTtlSeconds: 31_536_000 });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const before = books.tokens.current;
    const customers = await books.client().listCustomers(null);
    expect(customers.items).toEqual([]);
    expect(books.refreshes).toBe(1);
    expect(books.tokens.current.refreshToken).not.toBe(before.refreshToken);
    await expect(connector.oauth.refresh(before)).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it("surfaces ReauthRequiredError when the refresh after a 401 is refused", async () => {
    const books = await realm("Revoked Books");
    await connector.oauth.revoke(books.tokens.current, books.realmId);
    await expect(books.client().listInvoices(null)).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it("waits out a 429 (ThrottleExceeded, Retry-After) and retries", async () => {
    const books = await realm("Throttled Books");
    const before = (await control("/stats", undefined, "GET")).rateLimited as number;
    await control("/clock", { scale: 1 });
    try {
      // Another process of the same app uses up the realm's 10 requests this second.
      for (let i = 0; i < 10; i++) expect((await books.raw("GET", "/preferences")).status).toBe(200);
      const started = Date.now();
      const page = await books.client().listInvoices(null);
      expect(page.items).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    } finally {
      await control("/clock", { scale: 1000 });
    }
    expect((await control("/stats", undefined, "GET")).rateLimited).toBe(before + 1);
  });
});

describe("webhooks from the sandbox", () => {
  it("verifies and parses CloudEvents and legacy deliveries for a change made through the client", async () => {
    const deliveries: { headers: http.IncomingHttpHeaders; rawBody: string }[] = [];
    const receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        deliveries.push({ headers: req.headers, rawBody: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/quickbooks`;
    try {
      const books = await realm("Hook Books");
      await control("/webhooks", { accountId: books.realmId, url, secret: "verifier-token-1", events: ["qbo.invoice.created.v1"], duplicateRate: 1 });
      await control("/webhooks", { accountId: books.realmId, url, secret: "verifier-token-1", events: ["legacy"] });
      const invoice = await books.client().createInvoice(draft(), { idempotencyKey: "hook-1" });
      await sandbox.webhooks.idle();

      const toRequest = (d: (typeof deliveries)[number], rawBody = d.rawBody) => ({ method: "POST", url, headers: new Headers(d.headers as Record<string, string>), rawBody });
      const now = new Date();
      for (const d of deliveries) {
        expect(connector.webhooks.verify(toRequest(d), "verifier-token-1", now)).toEqual({ ok: true });
        expect(connector.webhooks.verify(toRequest(d, d.rawBody.replace(books.realmId, "1234")), "verifier-token-1", now).ok).toBe(false);
        expect(connector.webhooks.verify(toRequest(d), "verifier-token-2", now).ok).toBe(false);
      }

      const cloud = deliveries.filter((d) => d.headers["content-type"] === "application/cloudevents+json");
      expect(cloud).toHaveLength(2); // duplicated on purpose
      const [first, duplicate] = cloud.map((d) => connector.webhooks.parse(d.rawBody));
      expect(first).toEqual([{ accountId: books.realmId, eventId: expect.any(String), eventType: "qbo.invoice.created.v1", occurredAt: expect.any(Date), hints: [{ entity: "invoice", externalId: invoice.externalId, deleted: false }] }]);
      expect(duplicate![0]!.eventId).toBe(first![0]!.eventId);
      expect(Math.abs(first![0]!.occurredAt.getTime() - invoice.updatedAt.getTime())).toBeLessThan(2000);

      const legacy = deliveries.filter((d) => d.headers["content-type"]?.startsWith("application/json")).flatMap((d) => connector.webhooks.parse(d.rawBody));
      expect(legacy.map((e) => [e.accountId, e.eventType, e.hints])).toEqual([
        [books.realmId, "qbo.customer.created.v1", [{ entity: "customer", externalId: invoice.customerExternalId, deleted: false }]],
        [books.realmId, "qbo.invoice.created.v1", [{ entity: "invoice", externalId: invoice.externalId, deleted: false }]],
      ]);
      expect(legacy.every((e) => /^[0-9a-f]{64}$/.test(e.eventId))).toBe(true);
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});
