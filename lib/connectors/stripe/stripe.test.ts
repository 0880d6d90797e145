/**
 * The Stripe connector against the Stripe sandbox in-process: Connect OAuth through the consent
 * page, reads and paging over seeded data, incremental changes from Events, idempotent writes,
 * a 401 answered by one refresh, 429s waited out by the HTTP layer, and webhooks signed by the
 * sandbox, verified and parsed (and checked against stripe-node's own verification).
 */
import { createHmac } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError, ReauthRequiredError, WebhookPayloadError } from "../errors";
import type { InvoiceDraft, ProviderClient, TokenSet } from "../types";
import { classify } from "./sdk";
import { consent, control, controlAccount, receiver, startHarness, vault, type Harness } from "./test-support";

let h: Harness;
let keyCount = 0;
const connectionKey = () => `stripe-test-${++keyCount}`;
const REDIRECT = "https://concord.test/api/connections/stripe/callback";

beforeAll(async () => {
  h = await startHarness();
  // Local calls are faster than 25 requests/second allow: run the sandbox's windows 20× faster
  // (the 429 test puts a slower clock back). The HTTP layer still paces at 25/s per connection.
  h.sandbox.clock.scale = 20;
});
afterAll(async () => {
  await h.close();
});

async function connect(name: string): Promise<{ tokens: TokenSet; accountId: string; displayName: string }> {
  const back = await consent(h.connector.oauth.authorizeUrl({ state: `state-${name}`, redirectUri: REDIRECT, codeChallenge: null }), { decision: "approve", newAccountName: name });
  const result = await h.connector.oauth.exchangeCode({ code: back.searchParams.get("code")!, redirectUri: REDIRECT, codeVerifier: null, callback: back.searchParams });
  expect(result.accounts).toHaveLength(1);
  return { tokens: result.tokens, accountId: result.accounts[0]!.externalAccountId, displayName: result.accounts[0]!.displayName };
}

function clientFor(accountId: string, tokens: TokenSet): { client: ProviderClient; v: ReturnType<typeof vault> } {
  const v = vault(h.connector, tokens);
  return { client: h.connector.client(v.context(accountId, connectionKey())), v };
}

const data = (accountId: string) => h.sandbox.data.get(accountId)!;

describe("Connect OAuth", () => {
  it("authorizes through the consent page, exchanges the code, names the account, refreshes and revokes", async () => {
    const url = new URL(h.connector.oauth.authorizeUrl({ state: "st-1", redirectUri: REDIRECT, codeChallenge: null }));
    expect(`${url.origin}${url.pathname}`).toBe(`${h.url}/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ response_type: "code", client_id: "concord-sandbox-client", scope: "read_write", state: "st-1", redirect_uri: REDIRECT });
    expect(h.connector.oauth.usesPkce).toBe(false);

    const denied = await consent(url.toString(), { decision: "deny" });
    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe("st-1");

    const back = await consent(url.toString(), { decision: "approve", newAccountName: "Tyrell Corp" });
    expect(back.searchParams.get("state")).toBe("st-1");
    const code = back.searchParams.get("code")!;
    const { tokens, accounts } = await h.connector.oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: null, callback: back.searchParams });
    expect(tokens).toMatchObject({ accessToken: expect.stringMatching(/^sk_test_/), refreshToken: expect.stringMatching(/^rt_/), expiresAt: null, scope: "read_write" });
    expect(accounts).toEqual([{ externalAccountId: expect.stringMatching(/^acct_/), displayName: "Tyrell Corp" }]);
    const accountId = accounts[0]!.externalAccountId;
    await expect(h.connector.oauth.exchangeCode({ code, redirectUri: REDIRECT, codeVerifier: null, callback: back.searchParams })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_grant" } });

    // Stripe's refresh tokens do not rotate: the same one keeps working.
    const refreshed = await h.connector.oauth.refresh(tokens);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    const again = await h.connector.oauth.refresh(tokens);
    expect(again.accessToken).not.toBe(refreshed.accessToken);
    const { client } = clientFor(accountId, again);
    expect((await client.listCustomers(null)).items).toEqual([]);

    await h.connector.oauth.revoke(again, accountId);
    await expect(h.connector.oauth.refresh(again)).rejects.toBeInstanceOf(ReauthRequiredError);
    // A connection revoked already (by us, or by its owner in Stripe) revokes again without error.
    await expect(h.connector.oauth.revoke(again, accountId)).resolves.toBeUndefined();
    // The revoked token answers 401; the one refresh that follows is refused: reconnect.
    await expect(client.listCustomers(null)).rejects.toBeInstanceOf(ReauthRequiredError);
  });

  it("refuses a refresh token Stripe does not know as ReauthRequired, and a broken platform key as an error", async () => {
    await expect(h.connector.oauth.refresh({ accessToken: "sk_test_x", refreshToken: "rt_unknown", expiresAt: null, scope: null })).rejects.toBeInstanceOf(ReauthRequiredError);
    const { tokens, accountId } = await connect("Wrong Key Co");
    const broken = { ...h.settings, clientSecret: "sk_test_not_the_platform" };
    const { createStripeConnector } = await import("./index");
    const misconfigured = createStripeConnector(() => broken);
    await expect(misconfigured.oauth.refresh(tokens)).rejects.toMatchObject({ kind: "unauthorized" });
    // The grant still works, so this invalid_client is the platform key's fault: not revoked.
    await expect(misconfigured.oauth.revoke(tokens, accountId)).rejects.toMatchObject({ kind: "unauthorized", details: { code: "invalid_client" } });
  });
});

describe("reads", () => {
  let accountId: string;
  let client: ProviderClient;

  beforeAll(async () => {
    const made = await controlAccount(h, "Seeded Ltd");
    accountId = made.accountId;
    await control(h, "/_sandbox/seed", { accountId, seed: "concord-stripe", customers: 30, invoices: 130, currencies: ["USD", "EUR", "JPY", "KWD"] });
    client = clientFor(accountId, made.tokens).client;
  });

  it("pages through every invoice with all lines and canonical amounts", async () => {
    const pages: number[] = [];
    const all = [];
    let cursor: string | null = null;
    do {
      const page = await client.listInvoices(cursor);
      pages.push(page.items.length);
      all.push(...page.items);
      cursor = page.next;
    } while (cursor);
    expect(pages).toEqual([100, 30]);
    expect(new Set(all.map((i) => i.externalId)).size).toBe(130);
    for (const inv of all) {
      expect(inv.lines.reduce((sum, l) => sum + l.amountMinor, 0n)).toBe(inv.totalMinor);
      expect(inv.amountPaidMinor + inv.amountDueMinor).toBe(inv.totalMinor);
      expect(inv.version).toMatch(/^\d{12}\.1$/);
    }
    expect(new Set(all.map((i) => i.status))).toEqual(new Set(["DRAFT", "OPEN", "PARTIALLY_PAID", "PAID", "VOID"]));
    expect(new Set(all.map((i) => i.currency))).toEqual(new Set(["USD", "EUR", "JPY", "KWD"]));
    const stored = data(accountId).invoices.byId;
    const sample = all.find((i) => i.status === "PARTIALLY_PAID")!;
    expect(sample.amountPaidMinor).toBe(BigInt(stored[sample.externalId]!.amount_paid));
    expect(sample.issueDate).toBe(new Date(stored[sample.externalId]!.effective_at! * 1000).toISOString().slice(0, 10));
  });

  it("pages through customers and payments, and gets single records or null", async () => {
    const customers = await client.listCustomers(null);
    expect(customers.items).toHaveLength(30);
    expect(customers.next).toBeNull();

    const payments = [];
    let cursor: string | null = null;
    do {
      const page = await client.listPayments(cursor);
      payments.push(...page.items);
      cursor = page.next;
    } while (cursor);
    const paidInStore = Object.values(data(accountId).invoicePayments.byId).filter((p) => p.status === "paid");
    expect(payments.filter((p) => p.kind === "PAYMENT").map((p) => p.externalId).sort()).toEqual(paidInStore.map((p) => p.id).sort());
    expect(payments.every((p) => !p.deleted && p.invoiceExternalIds.length === 1)).toBe(true);

    const first = payments[0]!;
    expect(await client.getPayment(first.externalId)).toMatchObject({ externalId: first.externalId, amountMinor: first.amountMinor, invoiceExternalIds: first.invoiceExternalIds });
    const inv = await client.getInvoice(first.invoiceExternalIds[0]!);
    expect(inv?.amountPaidMinor).toBeGreaterThanOrEqual(first.amountMinor);
    expect(await client.getInvoice("in_doesnotexist")).toBeNull();
    expect(await client.getPayment("inpay_doesnotexist")).toBeNull();
    expect(await client.getPayment("re_doesnotexist")).toBeNull();
    expect(await client.getPayment("ch_not_a_payment_id")).toBeNull();
    expect(await client.getCustomer("cus_doesnotexist")).toBeNull();
    expect(await client.getCustomer(customers.items[0]!.externalId)).toMatchObject({ name: customers.items[0]!.name, deleted: false });
  });

  it("lists refunds of invoice payments as REFUND, linked to the invoice", async () => {
    const paidByCard = Object.values(data(accountId).invoicePayments.byId).find((p) => p.status === "paid" && p.payment.type === "payment_intent")!;
    const intent = paidByCard.payment.payment_intent as string;
    const sdk = new Stripe((await controlAccountToken(accountId)) ?? "", { host: "127.0.0.1", port: new URL(h.url).port, protocol: "http" });
    const refund = await sdk.refunds.create({ payment_intent: intent, amount: 100 });
    const page = await client.listPayments("re:");
    expect(page.items).toEqual([expect.objectContaining({ externalId: refund.id, kind: "REFUND", amountMinor: 100n, invoiceExternalIds: [paidByCard.invoice], deleted: false })]);
    // Credit notes with money returned outside Stripe come after refunds; the seed made none.
    expect(page.next).toBe("cn:");
    expect(await client.listPayments("cn:")).toEqual({ items: [], next: null });
    expect(await client.getPayment(refund.id)).toMatchObject({ kind: "REFUND", invoiceExternalIds: [paidByCard.invoice] });
    await expect(client.listPayments("xx:whatever")).rejects.toMatchObject({ kind: "invalid" });
  });

  /** The control API's token for an account (the sandbox keeps it in its OAuth state). */
  async function controlAccountToken(id: string): Promise<string | undefined> {
    return Object.entries(h.sandbox.oauth.state.access).find(([, t]) => t.accountIds.includes(id) && !t.revoked)?.[0];
  }
});

const draftFor = (concordId: string, overrides: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
  concordId,
  number: null,
  customer: { externalId: null, name: "Umbrella Corp", email: "ap@umbrella.test" },
  currency: "EUR",
  issueDate: "2026-03-02",
  dueDate: "2099-04-01",
  memo: "Consulting, March",
  lines: [
    { description: "Design", quantity: "3", unitAmountMinor: 12_500n },
    { description: "Hosting", quantity: "1.5", unitAmountMinor: 1_000n },
  ],
  ...overrides,
});

describe("writes and changes", () => {
  let accountId: string;
  let client: ProviderClient;

  beforeAll(async () => {
    const connected = await connect("Writes GmbH");
    accountId = connected.accountId;
    client = clientFor(accountId, connected.tokens).client;
  });

  it("creates an invoice once per idempotency key, with the cross-reference, lines and dates", async () => {
    const draft = draftFor("inv_c_1");
    const created = await client.createInvoice(draft, { idempotencyKey: "concord:inv_c_1:v1:stripe" });
    expect(created).toMatchObject({
      status: "OPEN",
      crossReference: "inv_c_1",
      currency: "EUR",
      totalMinor: 39_000n,
      amountDueMinor: 39_000n,
      issueDate: "2026-03-02",
      dueDate: "2099-04-01",
      memo: "Consulting, March",
      number: expect.stringMatching(/-0001$/),
    });
    expect(created.lines).toEqual([
      { description: "Design", quantity: "3", unitAmountMinor: 12_500n, amountMinor: 37_500n },
      { description: "Hosting", quantity: "1", unitAmountMinor: 1_500n, amountMinor: 1_500n },
    ]);
    const again = await client.createInvoice(draft, { idempotencyKey: "concord:inv_c_1:v1:stripe" });
    expect(again.externalId).toBe(created.externalId);
    const stored = Object.values(data(accountId).invoices.byId).filter((i) => i.metadata?.concord_id === "inv_c_1");
    expect(stored).toHaveLength(1);
    expect(Object.keys(data(accountId).customers.byId)).toHaveLength(1);
    expect(stored[0]!.lines.data).toHaveLength(2);

    // The same key for a different invoice is another request's key: a conflict, nothing written.
    await expect(client.createInvoice(draftFor("inv_c_1", { memo: "changed" }), { idempotencyKey: "concord:inv_c_1:v1:stripe" })).rejects.toMatchObject({ kind: "conflict" });
    // Stripe takes no due date in the past: refused before anything (a customer) is written.
    await expect(client.createInvoice(draftFor("inv_c_past", { dueDate: "2020-01-01" }), { idempotencyKey: "concord:inv_c_past" })).rejects.toMatchObject({ kind: "invalid" });
    expect(Object.keys(data(accountId).customers.byId)).toHaveLength(1);
  });

  it("records partial and full payments idempotently, and refuses overpayment and other currencies", async () => {
    const customer = Object.keys(data(accountId).customers.byId)[0]!;
    const inv = await client.createInvoice(draftFor("inv_c_2", { customer: { externalId: customer, name: "", email: null }, currency: "JPY", lines: [{ description: "Licence", quantity: "1", unitAmountMinor: 50_000n }] }), {
      idempotencyKey: "concord:inv_c_2",
    });
    expect(inv).toMatchObject({ customerExternalId: customer, currency: "JPY", totalMinor: 50_000n });
    const partial = { invoiceExternalId: inv.externalId, amountMinor: 20_000n, currency: "JPY", paidOn: "2026-03-05", reference: "wire 881" };
    const payment = await client.recordPayment(partial, { idempotencyKey: "concord:pay_1" });
    expect(payment).toMatchObject({ kind: "PAYMENT", deleted: false, amountMinor: 20_000n, currency: "JPY", invoiceExternalIds: [inv.externalId] });
    expect(await client.getInvoice(inv.externalId)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: 20_000n, amountDueMinor: 30_000n });

    // A retry of the same write (same key) finds the payment it made: paid once.
    expect((await client.recordPayment(partial, { idempotencyKey: "concord:pay_1" })).externalId).toBe(payment.externalId);
    expect((await client.getInvoice(inv.externalId))?.amountPaidMinor).toBe(20_000n);
    const record = data(accountId).paymentRecords!.byId[data(accountId).invoicePayments.byId[payment.externalId]!.payment.payment_record as string]!;
    expect(record.processor_details.custom?.payment_reference).toBe("wire 881");

    await expect(client.recordPayment({ ...partial, amountMinor: 30_001n }, { idempotencyKey: "concord:pay_over" })).rejects.toMatchObject({ kind: "invalid" });
    await expect(client.recordPayment({ ...partial, currency: "USD" }, { idempotencyKey: "concord:pay_usd" })).rejects.toMatchObject({ kind: "invalid" });
    const rest = await client.recordPayment({ ...partial, amountMinor: 30_000n, reference: null }, { idempotencyKey: "concord:pay_2" });
    expect(rest.amountMinor).toBe(30_000n);
    expect(await client.getInvoice(inv.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 50_000n, amountDueMinor: 0n, paidDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) });
    expect((await client.recordPayment({ ...partial, amountMinor: 30_000n, reference: null }, { idempotencyKey: "concord:pay_2" })).externalId).toBe(rest.externalId);
    await expect(client.recordPayment({ invoiceExternalId: "in_doesnotexist", amountMinor: 1n, currency: "JPY", paidOn: "2026-03-05", reference: null }, { idempotencyKey: "concord:pay_x" })).rejects.toMatchObject({
      kind: "not_found",
    });
  });

  it("records a payment in three requests; a retry after a failed attachment attaches the reported record once", async () => {
    const customer = Object.keys(data(accountId).customers.byId)[0]!;
    const inv = await client.createInvoice(draftFor("inv_c_pay_retry", { customer: { externalId: customer, name: "", email: null }, currency: "JPY", lines: [{ description: "Support", quantity: "1", unitAmountMinor: 40_000n }] }), {
      idempotencyKey: "concord:inv_c_pay_retry",
    });
    const draft = { invoiceExternalId: inv.externalId, amountMinor: 40_000n, currency: "JPY", paidOn: "2026-03-06", reference: null };
    const served = () => Object.fromEntries(Object.entries(h.sandbox.stats.requests).map(([route, byStatus]) => [route, Object.values(byStatus).reduce((a, b) => a + b, 0)]));
    const since = (before: Record<string, number>) =>
      Object.fromEntries(Object.entries(served()).flatMap(([route, n]) => (n > (before[route] ?? 0) ? [[route, n - (before[route] ?? 0)]] : [])));

    // Every attachment fails (503s, retried by the HTTP layer, then given up): the record stays reported, unattached.
    await control(h, "/_sandbox/faults", { errorRate: 1, paths: [`/v1/invoices/${inv.externalId}/attach_payment`] });
    try {
      await expect(client.recordPayment(draft, { idempotencyKey: "concord:pay_retry" })).rejects.toMatchObject({ kind: "server" });
    } finally {
      await control(h, "/_sandbox/faults", {});
    }
    expect(Object.values(data(accountId).paymentRecords!.byId).filter((r) => r.amount.value === 40_000 && r.amount.currency === "jpy")).toHaveLength(1);

    // The retry's report is replayed, so it looks for an attachment first; none, so it attaches.
    let before = served();
    const payment = await client.recordPayment(draft, { idempotencyKey: "concord:pay_retry" });
    expect(payment).toMatchObject({ kind: "PAYMENT", deleted: false, amountMinor: 40_000n, invoiceExternalIds: [inv.externalId] });
    expect(since(before)).toEqual({ "GET /v1/invoices/:id": 1, "POST /v1/payment_records/report_payment": 1, "GET /v1/invoice_payments": 1, "POST /v1/invoices/:id/attach_payment": 1 });
    // Once more: the replayed report's record is found attached; nothing else is written.
    before = served();
    expect((await client.recordPayment(draft, { idempotencyKey: "concord:pay_retry" })).externalId).toBe(payment.externalId);
    expect(since(before)).toEqual({ "GET /v1/invoices/:id": 1, "POST /v1/payment_records/report_payment": 1, "GET /v1/invoice_payments": 1 });
    expect(Object.values(data(accountId).invoicePayments.byId).filter((p) => p.invoice === inv.externalId && p.status === "paid")).toHaveLength(1);

    // A first attempt reads the invoice, reports and attaches: the attachment answers the payment it made.
    const other = await client.createInvoice(draftFor("inv_c_pay_first", { customer: { externalId: customer, name: "", email: null }, currency: "JPY", lines: [{ description: "Support", quantity: "1", unitAmountMinor: 10_000n }] }), {
      idempotencyKey: "concord:inv_c_pay_first",
    });
    before = served();
    expect(await client.recordPayment({ ...draft, invoiceExternalId: other.externalId, amountMinor: 10_000n }, { idempotencyKey: "concord:pay_first" })).toMatchObject({ amountMinor: 10_000n, invoiceExternalIds: [other.externalId] });
    expect(since(before)).toEqual({ "GET /v1/invoices/:id": 1, "POST /v1/payment_records/report_payment": 1, "POST /v1/invoices/:id/attach_payment": 1 });
  });

  it("voids an open invoice (again without error) and deletes a draft", async () => {
    // Twelve lines: answers show the first 10, the rest are paged in.
    const lines = Array.from({ length: 12 }, (_, i) => ({ description: `Item ${i}`, quantity: "1", unitAmountMinor: BigInt(100 + i) }));
    const inv = await client.createInvoice(draftFor("inv_c_3", { lines }), { idempotencyKey: "concord:inv_c_3" });
    expect(inv.lines.map((l) => l.description)).toEqual(lines.map((l) => l.description));
    expect(inv.totalMinor).toBe(1_266n);
    const voided = await client.voidInvoice(inv.externalId, { idempotencyKey: "concord:void_3" });
    expect(voided).toMatchObject({ externalId: inv.externalId, status: "VOID", deleted: false, crossReference: "inv_c_3" });
    expect(voided.lines).toHaveLength(12);
    expect((await client.voidInvoice(inv.externalId, { idempotencyKey: "concord:void_3b" })).status).toBe("VOID");

    const key = Object.entries(h.sandbox.oauth.state.access).find(([, t]) => t.accountIds.includes(accountId) && !t.revoked)![0];
    const sdk = new Stripe(key, { host: "127.0.0.1", port: new URL(h.url).port, protocol: "http" });
    const draft = await sdk.invoices.create({ customer: Object.keys(data(accountId).customers.byId)[0]!, collection_method: "send_invoice", days_until_due: 10 });
    expect(await client.voidInvoice(draft.id, { idempotencyKey: "concord:void_draft" })).toMatchObject({ externalId: draft.id, deleted: true, status: "DRAFT" });
    expect(await client.getInvoice(draft.id)).toBeNull();
  });

  it("answers an update a finalized invoice already shows, and refuses any other without writing", async () => {
    const inv = await client.createInvoice(draftFor("inv_c_upd"), { idempotencyKey: "concord:inv_c_upd" });
    expect((await client.updateInvoice(inv.externalId, { dueDate: inv.dueDate! }, { idempotencyKey: "concord:upd_1" })).externalId).toBe(inv.externalId);
    await expect(client.updateInvoice(inv.externalId, { dueDate: "2099-01-01" }, { idempotencyKey: "concord:upd_2" })).rejects.toMatchObject({ kind: "unsupported", details: { code: "finalized_invoice" } });
    await expect(client.updateInvoice(inv.externalId, { lines: [] }, { idempotencyKey: "concord:upd_3" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_update" } });
    expect(await client.getInvoice(inv.externalId)).toMatchObject({ dueDate: inv.dueDate, totalMinor: inv.totalMinor, status: "OPEN" });
  });

  it("reads what changed after a start cursor, once, with deletions", async () => {
    const { accountId: fresh, tokens } = await controlAccount(h, "Changes Inc");
    const { client: c } = clientFor(fresh, tokens);
    const start = await c.startCursor();
    expect(start).toMatch(/^t:\d+$/); // no event yet
    expect(await c.changes(start)).toMatchObject({ invoices: [], payments: [], customers: [], cursor: start, hasMore: false });

    const inv = await c.createInvoice(draftFor("inv_c_4"), { idempotencyKey: "concord:inv_c_4" });
    const first = await c.changes(start);
    expect(first.hasMore).toBe(false);
    expect(first.cursor).toMatch(/^evt_/);
    expect(first.invoices).toEqual([expect.objectContaining({ externalId: inv.externalId, status: "OPEN", crossReference: "inv_c_4", totalMinor: 39_000n, version: expect.stringMatching(/\.0$/) })]);
    expect(first.customers).toEqual([expect.objectContaining({ name: "Umbrella Corp", email: "ap@umbrella.test" })]);
    expect(first.invoices[0]!.lines).toHaveLength(2);
    expect(await c.changes(first.cursor)).toMatchObject({ invoices: [], payments: [], customers: [], cursor: first.cursor, hasMore: false });

    await c.recordPayment({ invoiceExternalId: inv.externalId, amountMinor: 9_000n, currency: "EUR", paidOn: "2026-03-04", reference: null }, { idempotencyKey: "concord:pay_4" });
    const customer = first.customers[0]!.externalId;
    const key = Object.entries(h.sandbox.oauth.state.access).find(([, t]) => t.accountIds.includes(fresh) && !t.revoked)![0];
    const sdk = new Stripe(key, { host: "127.0.0.1", port: new URL(h.url).port, protocol: "http" });
    const doomed = await sdk.invoices.create({ customer, collection_method: "send_invoice", days_until_due: 5 });
    await sdk.invoices.del(doomed.id);
    const gone = await sdk.customers.create({ name: "Brief Customer" });
    await sdk.customers.del(gone.id);

    const second = await c.changes(first.cursor);
    expect(second.payments).toEqual([expect.objectContaining({ kind: "PAYMENT", amountMinor: 9_000n, invoiceExternalIds: [inv.externalId], deleted: false })]);
    const byId = new Map(second.invoices.map((i) => [i.externalId, i]));
    expect(byId.get(inv.externalId)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: 9_000n });
    expect(byId.get(doomed.id)).toMatchObject({ deleted: true });
    expect(second.customers.find((x) => x.externalId === gone.id)).toMatchObject({ deleted: true });
    expect(second.invoices.filter((i) => i.externalId === inv.externalId)).toHaveLength(1); // the last event about it wins
    expect(second.invoices.every((i) => i.version >= first.invoices[0]!.version)).toBe(true);
    expect(await c.changes(second.cursor)).toMatchObject({ invoices: [], payments: [], customers: [], hasMore: false });

    // More than a page: the first call says so, the next one reads the rest.
    h.sandbox.clock.scale = 1_000; // these direct SDK calls are not paced by the HTTP layer
    try {
      for (let i = 0; i < 11; i++) await Promise.all(Array.from({ length: 10 }, (_, j) => sdk.customers.create({ name: `Bulk ${i}-${j}` })));
    } finally {
      h.sandbox.clock.scale = 20;
    }
    const page1 = await c.changes(second.cursor);
    expect(page1.customers).toHaveLength(100);
    expect(page1.hasMore).toBe(true);
    const page2 = await c.changes(page1.cursor);
    expect(page2.customers).toHaveLength(10);
    expect(page2.hasMore).toBe(false);
    expect(new Set([...page1.customers, ...page2.customers].map((x) => x.externalId)).size).toBe(110);

    // A start cursor on an account with events is its newest event; a cursor Stripe forgot is stale.
    expect(await c.startCursor()).toBe(page2.cursor);
    await expect(c.changes("evt_forgotten0000000000000")).rejects.toMatchObject({ kind: "stale" });
    await expect(c.changes("nonsense")).rejects.toMatchObject({ kind: "invalid" });
  });
});

describe("refunds made elsewhere", () => {
  let accountId: string;
  let client: ProviderClient;
  let sdk: Stripe;
  const notes = () => Object.values(data(accountId).creditNotes?.byId ?? {});

  beforeAll(async () => {
    const connected = await connect("Refunds BV");
    accountId = connected.accountId;
    client = clientFor(accountId, connected.tokens).client;
    const key = Object.entries(h.sandbox.oauth.state.access).find(([, t]) => t.accountIds.includes(accountId) && !t.revoked)![0];
    sdk = new Stripe(key, { host: "127.0.0.1", port: new URL(h.url).port, protocol: "http" });
  });

  async function paidInvoice(concordId: string, currency = "EUR") {
    const inv = await client.createInvoice(draftFor(concordId, { currency, lines: [{ description: "Licence", quantity: "1", unitAmountMinor: 40_000n }] }), { idempotencyKey: `concord:${concordId}` });
    await client.recordPayment({ invoiceExternalId: inv.externalId, amountMinor: 40_000n, currency, paidOn: "2026-03-05", reference: null }, { idempotencyKey: `concord:${concordId}:pay` });
    return inv;
  }

  it("records a refund once per idempotency key, as a credit note that reads back as REFUND of the invoice", async () => {
    const start = await client.startCursor();
    const inv = await paidInvoice("inv_r_1");
    const draft = { invoiceExternalId: inv.externalId, amountMinor: 15_000n, currency: "eur", refundedOn: "2026-03-09", reference: "QBO refund 1042" };
    const refund = await client.recordRefund(draft, { idempotencyKey: "concord:refund:1:stripe" });
    expect(refund).toMatchObject({
      kind: "REFUND",
      deleted: false,
      invoiceExternalIds: [inv.externalId],
      customerExternalId: inv.customerExternalId,
      currency: "EUR",
      amountMinor: 15_000n,
      paidOn: "2026-03-09",
      externalId: expect.stringMatching(/^cn_/),
      version: expect.stringMatching(/^\d{12}\.1$/),
    });
    // A retry of the same write finds the same credit note: one refund in Stripe.
    expect((await client.recordRefund(draft, { idempotencyKey: "concord:refund:1:stripe" })).externalId).toBe(refund.externalId);
    const stored = notes().filter((n) => n.invoice === inv.externalId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ out_of_band_amount: 15_000, pre_payment_amount: 0, memo: "QBO refund 1042", status: "issued" });
    // The invoice stays paid: the refund does not reopen it.
    expect(await client.getInvoice(inv.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 40_000n, amountDueMinor: 0n });

    expect(await client.getPayment(refund.externalId)).toMatchObject({ externalId: refund.externalId, kind: "REFUND", amountMinor: 15_000n, invoiceExternalIds: [inv.externalId], paidOn: "2026-03-09" });
    // A full pull lists it with the payments; an incremental one sees it from its event.
    const pulled = [];
    let cursor: string | null = null;
    do {
      const page = await client.listPayments(cursor);
      pulled.push(...page.items);
      cursor = page.next;
    } while (cursor);
    expect(pulled.filter((p) => p.kind === "REFUND")).toEqual([expect.objectContaining({ externalId: refund.externalId, amountMinor: 15_000n, invoiceExternalIds: [inv.externalId] })]);
    const changed = await client.changes(start);
    expect(changed.payments.filter((p) => p.kind === "REFUND")).toEqual([expect.objectContaining({ externalId: refund.externalId, amountMinor: 15_000n, paidOn: "2026-03-09", version: expect.stringMatching(/\.0$/) })]);

    // Voided in Stripe, it returned nothing: a deleted refund.
    await sdk.creditNotes.voidCreditNote(refund.externalId);
    expect(await client.getPayment(refund.externalId)).toMatchObject({ deleted: true, kind: "REFUND" });
    const after = await client.changes(changed.cursor);
    expect(after.payments).toEqual([expect.objectContaining({ externalId: refund.externalId, deleted: true })]);
    // Credit notes without money returned outside Stripe are no refund.
    const credit = await sdk.creditNotes.create({ invoice: inv.externalId, amount: 1_000, credit_amount: 1_000 });
    expect(await client.getPayment(credit.id)).toBeNull();
  });

  it("refuses bad refunds before writing anything", async () => {
    const inv = await paidInvoice("inv_r_2", "JPY");
    const base = { invoiceExternalId: inv.externalId, amountMinor: 1_000n, currency: "JPY", refundedOn: "2026-03-09", reference: null };
    const before = notes().length;
    await expect(client.recordRefund({ ...base, amountMinor: 0n }, { idempotencyKey: "concord:refund:bad1" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_refund" }, message: expect.stringContaining("amountMinor") });
    await expect(client.recordRefund({ ...base, amountMinor: -5n }, { idempotencyKey: "concord:refund:bad2" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_refund" } });
    await expect(client.recordRefund({ ...base, refundedOn: "2026-02-30" }, { idempotencyKey: "concord:refund:bad3" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_refund" } });
    await expect(client.recordRefund({ ...base, currency: "EUR" }, { idempotencyKey: "concord:refund:bad4" })).rejects.toMatchObject({ kind: "invalid", details: { code: "currency_mismatch" } });
    await expect(client.recordRefund({ ...base, amountMinor: 40_001n }, { idempotencyKey: "concord:refund:bad5" })).rejects.toMatchObject({ kind: "invalid", details: { code: "refund_exceeds_paid" } });
    const open = await client.createInvoice(draftFor("inv_r_3", { currency: "JPY", lines: [{ description: "Licence", quantity: "1", unitAmountMinor: 9_000n }] }), { idempotencyKey: "concord:inv_r_3" });
    await expect(client.recordRefund({ ...base, invoiceExternalId: open.externalId }, { idempotencyKey: "concord:refund:bad6" })).rejects.toMatchObject({ kind: "invalid", details: { code: "invoice_not_paid" } });
    await expect(client.recordRefund({ ...base, invoiceExternalId: "in_doesnotexist" }, { idempotencyKey: "concord:refund:bad7" })).rejects.toMatchObject({ kind: "not_found" });
    expect(notes().length).toBe(before);
    // What Stripe refuses itself (more than remains creditable) also leaves nothing behind.
    await client.recordRefund({ ...base, amountMinor: 30_000n }, { idempotencyKey: "concord:refund:ok" });
    await expect(client.recordRefund({ ...base, amountMinor: 10_001n }, { idempotencyKey: "concord:refund:over" })).rejects.toMatchObject({ kind: "invalid", details: { status: 400 } });
    expect(notes().length).toBe(before + 1);
  });

  it("turns credit note events into hints for the refund and its invoice", () => {
    const parsed = h.connector.webhooks.parse(
      JSON.stringify({ id: "evt_cn", object: "event", type: "credit_note.created", created: 1, account: "acct_1", data: { object: { id: "cn_1", object: "credit_note", invoice: "in_9" } } }),
    );
    expect(parsed[0]!.hints).toEqual([
      { entity: "payment", externalId: "cn_1", deleted: false },
      { entity: "invoice", externalId: "in_9", deleted: false },
    ]);
    expect(h.connector.supportsRefunds).toBe(true);
  });
});

describe("the shared HTTP layer", () => {
  it("refreshes once on a 401 (expired access token) and retries with the new token", async () => {
    await control(h, "/_sandbox/oauth", { accessTokenTtlSeconds: 4 }); // 200 ms at the clock's 20×
    try {
      const { tokens, accountId } = await connect("Short Lived Tokens");
      await new Promise((r) => setTimeout(r, 300));
      const { client, v } = clientFor(accountId, tokens);
      expect((await client.listCustomers(null)).items).toEqual([]);
      expect(v.state.refreshes).toBe(1);
      expect(v.state.tokens.accessToken).not.toBe(tokens.accessToken);
      expect(v.state.tokens.refreshToken).toBe(tokens.refreshToken);
    } finally {
      await control(h, "/_sandbox/oauth", { accessTokenTtlSeconds: 31_536_000 });
    }
  });

  it("waits out Stripe's 429s (Retry-After) and completes every call", async () => {
    const { accountId, tokens } = await controlAccount(h, "Busy Co");
    const { client } = clientFor(accountId, tokens);
    const before = h.sandbox.stats.rateLimited;
    h.sandbox.clock.scale = 0.5; // the sandbox allows 25 requests per 2 s; the layer paces 25 per 1 s
    try {
      const results = await Promise.all(Array.from({ length: 40 }, () => client.getCustomer("cus_none")));
      expect(results.every((r) => r === null)).toBe(true);
      expect(h.sandbox.stats.rateLimited).toBeGreaterThan(before);
    } finally {
      h.sandbox.clock.scale = 20;
    }
  });

  it("classifies Stripe's errors by class and status, never by message", () => {
    const raw = (statusCode: number, extra: Record<string, unknown> = {}) => ({ message: "whatever", statusCode, ...extra });
    expect(classify(new Stripe.errors.StripeRateLimitError({ ...raw(429), headers: { "retry-after": "7" } }))).toMatchObject({ kind: "rate_limited", details: { retryAfterSeconds: 7 } });
    expect(classify(new Stripe.errors.StripeAuthenticationError(raw(401)))).toMatchObject({ kind: "unauthorized" });
    expect(classify(new Stripe.errors.StripePermissionError(raw(403)))).toMatchObject({ kind: "forbidden" });
    expect(classify(new Stripe.errors.StripeInvalidRequestError(raw(400, { code: "resource_missing" })))).toMatchObject({ kind: "not_found" });
    expect(classify(new Stripe.errors.StripeInvalidRequestError(raw(404)))).toMatchObject({ kind: "not_found" });
    expect(classify(new Stripe.errors.StripeInvalidRequestError(raw(400, { code: "parameter_missing" })))).toMatchObject({ kind: "invalid", details: { code: "parameter_missing" } });
    expect(classify(new Stripe.errors.StripeIdempotencyError(raw(400)))).toMatchObject({ kind: "conflict" });
    expect(classify(new Stripe.errors.StripeAPIError(raw(503)))).toMatchObject({ kind: "server", transient: true });
    expect(classify(new Stripe.errors.StripeCardError(raw(402, { code: "card_declined" })))).toMatchObject({ kind: "invalid" });
    expect(classify(new Stripe.errors.StripeConnectionError({ message: "timeout", detail: Object.assign(new TypeError("ETIMEDOUT"), { code: "ETIMEDOUT" }) } as never))).toMatchObject({ kind: "timeout" });
    expect(classify(new Stripe.errors.StripeConnectionError({ message: "reset" }))).toMatchObject({ kind: "network" });
    expect(classify(new TypeError("fetch failed"))).toBeInstanceOf(ProviderError);
  });
});

describe("webhooks", () => {
  const secret = "whsec_concord_test_secret";
  let deliveries: { headers: Headers; body: string }[];
  let accountId: string;

  beforeAll(async () => {
    const hook = await receiver();
    try {
      // A platform endpoint (no accountId): connected accounts' events arrive with `account`.
      await control(h, "/_sandbox/webhooks", { url: hook.url, secret });
      const connected = await connect("Hooked Ltd");
      accountId = connected.accountId;
      const { client } = clientFor(accountId, connected.tokens);
      await client.createInvoice(draftFor("inv_hook"), { idempotencyKey: "concord:inv_hook" });
      await h.sandbox.webhooks.idle();
      deliveries = hook.received.filter((d) => (JSON.parse(d.body) as { account?: string }).account === accountId);
    } finally {
      await hook.close();
    }
  });

  const request = (d: { headers: Headers; body: string }, body = d.body, headers = d.headers) => ({ method: "POST", url: "https://concord.test/api/webhooks/stripe", headers, rawBody: body });
  const withSignature = (value: string) => new Headers({ "stripe-signature": value });
  const sign = (body: string, t: number, key = secret) => createHmac("sha256", key).update(`${t}.${body}`).digest("hex");

  it("verifies the sandbox's signatures and refuses tampering, other secrets and stale or future timestamps", () => {
    expect(deliveries.length).toBeGreaterThan(3);
    const now = new Date();
    const { verify } = h.connector.webhooks;
    for (const d of deliveries) expect(verify(request(d), secret, now)).toEqual({ ok: true });
    const d = deliveries[0]!;
    expect(verify(request(d, d.body.replace(`"livemode":false`, `"livemode":true`)), secret, now)).toMatchObject({ ok: false });
    expect(verify(request(d), "whsec_someone_else", now)).toMatchObject({ ok: false });
    expect(verify(request(d), "", now)).toMatchObject({ ok: false });
    const signedAt = Number(/t=(\d+)/.exec(d.headers.get("stripe-signature")!)![1]);
    expect(verify(request(d), secret, new Date((signedAt + 299) * 1000))).toEqual({ ok: true });
    expect(verify(request(d), secret, new Date((signedAt + 301) * 1000))).toMatchObject({ ok: false, reason: expect.stringContaining("tolerance") });
    // Signed "in the future" (a clock far off, or a forged timestamp): refused the same way.
    expect(verify(request(d), secret, new Date((signedAt - 301) * 1000))).toMatchObject({ ok: false, reason: expect.stringContaining("tolerance") });
    expect(verify(request(d, d.body, new Headers()), secret, now)).toMatchObject({ ok: false, reason: expect.stringContaining("missing") });
    expect(verify(request(d, d.body, withSignature("t=abc,v1=zz")), secret, now)).toMatchObject({ ok: false });

    // Several v1 signatures (a secret being rolled): one match is enough.
    const t = Math.floor(now.getTime() / 1000);
    const rolled = withSignature(`t=${t},v1=${sign(d.body, t, "whsec_old")},v1=${sign(d.body, t)},v0=${"0".repeat(64)}`);
    expect(verify(request(d, d.body, rolled), secret, now)).toEqual({ ok: true });
    expect(verify(request(d, d.body, withSignature(`t=${t},v0=${sign(d.body, t)}`)), secret, now)).toMatchObject({ ok: false });
  });

  it("agrees with stripe-node's constructEvent", () => {
    const now = Date.now();
    const signedAt = (i: number) => Number(/t=(\d+)/.exec(deliveries[i]!.headers.get("stripe-signature")!)![1]) * 1000;
    const cases = [
      { i: 0, body: deliveries[0]!.body, key: secret, at: now },
      { i: 0, body: `${deliveries[0]!.body} `, key: secret, at: now },
      { i: 1, body: deliveries[1]!.body, key: "whsec_other", at: now },
      { i: 1, body: deliveries[1]!.body, key: secret, at: signedAt(1) + 301_000 },
      { i: 2, body: deliveries[2]!.body, key: secret, at: signedAt(2) + 299_000 },
    ];
    const outcomes = cases.map(({ i, body, key, at }) => {
      const header = deliveries[i]!.headers;
      const ours = h.connector.webhooks.verify(request({ headers: header, body }), key, new Date(at)).ok;
      let theirs: boolean;
      try {
        Stripe.webhooks.constructEvent(body, header.get("stripe-signature")!, key, 300, undefined, at);
        theirs = true;
      } catch {
        theirs = false;
      }
      return [ours, theirs];
    });
    expect(outcomes).toEqual([
      [true, true],
      [false, false],
      [false, false],
      [false, false],
      [true, true],
    ]);
  });

  it("parses events into the account, the event id and hints", () => {
    const events = deliveries.flatMap((d) => h.connector.webhooks.parse(d.body));
    expect(events.every((e) => e.accountId === accountId && /^evt_/.test(e.eventId))).toBe(true);
    const invoiceEvents = events.filter((e) => e.eventType.startsWith("invoice."));
    expect(invoiceEvents.length).toBeGreaterThan(0);
    const invoiceId = Object.values(data(accountId).invoices.byId)[0]!.id;
    for (const e of invoiceEvents) expect(e.hints).toEqual([{ entity: "invoice", externalId: invoiceId, deleted: false }]);
    expect(events.find((e) => e.eventType === "customer.created")?.hints).toEqual([{ entity: "customer", externalId: expect.stringMatching(/^cus_/), deleted: false }]);
    const created = events.find((e) => e.eventType === "invoice.created")!;
    expect(created.occurredAt.getTime()).toBeGreaterThan(Date.now() - 60_000);

    const paid = h.connector.webhooks.parse(
      JSON.stringify({ id: "evt_p", object: "event", type: "invoice_payment.paid", created: 1, account: "acct_1", data: { object: { id: "inpay_1", object: "invoice_payment", invoice: "in_1" } } }),
    );
    expect(paid[0]!.hints).toEqual([
      { entity: "payment", externalId: "inpay_1", deleted: false },
      { entity: "invoice", externalId: "in_1", deleted: false },
    ]);
    const deleted = h.connector.webhooks.parse(JSON.stringify({ id: "evt_d", object: "event", type: "invoice.deleted", created: 1, account: "acct_1", data: { object: { id: "in_2", object: "invoice" } } }));
    expect(deleted[0]).toMatchObject({ accountId: "acct_1", eventId: "evt_d", hints: [{ entity: "invoice", externalId: "in_2", deleted: true }] });
    // The platform's own events have no `account`; objects Concord has no use for give no hints.
    const platform = h.connector.webhooks.parse(JSON.stringify({ id: "evt_o", object: "event", type: "balance.available", created: 1, data: { object: { object: "balance", available: [] } } }));
    expect(platform[0]).toMatchObject({ accountId: "", eventId: "evt_o", hints: [] });
    const refunded = h.connector.webhooks.parse(
      JSON.stringify({ id: "evt_r", object: "event", type: "charge.refunded", created: 1, account: "acct_1", data: { object: { id: "ch_1", object: "charge", refunds: { object: "list", data: [{ id: "re_1", object: "refund" }] } } } }),
    );
    expect(refunded[0]!.hints).toEqual([{ entity: "payment", externalId: "re_1", deleted: false }]);
    expect(() => h.connector.webhooks.parse(JSON.stringify({ id: "evt_m", object: "event", type: "invoice.paid", created: 1, data: { object: { object: "invoice" } } }))).toThrow(WebhookPayloadError);

    expect(() => h.connector.webhooks.parse("not json")).toThrow(WebhookPayloadError);
    expect(() => h.connector.webhooks.parse(JSON.stringify({ id: "evt_x", object: "event" }))).toThrow(WebhookPayloadError);
  });
});
