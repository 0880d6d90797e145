/**
 * The Xero connector's writes and webhooks against the Xero sandbox: invoices with their
 * contact and cross-reference, idempotent replays, payments (partial, full, refused), voiding,
 * and signed webhook deliveries received by a local server that verifies them with the connector.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../errors";
import type { InvoiceDraft, ProviderClient, WebhookEvent } from "../types";
import { type Harness, newOrg, type Org, raw, sleep, startHarness, vault, WEBHOOK_KEY } from "./testing";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const draft = (overrides: Partial<InvoiceDraft> = {}): InvoiceDraft => ({
  concordId: "inv_01",
  number: null,
  customer: { externalId: null, name: "Brand New Customer Ltd", email: "ap@brandnew.test" },
  currency: "USD",
  issueDate: "2026-03-01",
  dueDate: "2026-03-31",
  memo: "Thank you",
  lines: [
    { description: "Consulting", quantity: "2", unitAmountMinor: 5000n },
    { description: "Setup", quantity: "1.5", unitAmountMinor: 1000n },
  ],
  ...overrides,
});

const counts = async (org: Org) => ((await h.stats()).objects[org.tenantId] as { invoices: number; contacts: number; payments: number });

describe("createInvoice", () => {
  let org: Org;
  let client: ProviderClient;
  beforeAll(async () => {
    org = await newOrg(h, "Writing Org");
    client = vault(h, org).client;
  });

  it("creates the contact and an approved invoice carrying the cross-reference, once per idempotency key", async () => {
    const created = await client.createInvoice(draft(), { idempotencyKey: "inv_01:v1:xero" });
    expect(created).toMatchObject({
      crossReference: "inv_01",
      memo: "Thank you",
      status: "OPEN",
      currency: "USD",
      totalMinor: 11500n,
      amountDueMinor: 11500n,
      amountPaidMinor: 0n,
      issueDate: "2026-03-01",
      dueDate: "2026-03-31",
      deleted: false,
    });
    expect(created.number).toMatch(/^INV-\d+$/);
    expect(created.lines).toEqual([
      { description: "Consulting", quantity: "2", unitAmountMinor: 5000n, amountMinor: 10000n },
      { description: "Setup", quantity: "1.5", unitAmountMinor: 1000n, amountMinor: 1500n },
    ]);
    expect((created.raw as { Reference: string }).Reference).toBe("concord:inv_01 Thank you");
    const customer = await client.getCustomer(created.customerExternalId!);
    expect(customer).toMatchObject({ name: "Brand New Customer Ltd", email: "ap@brandnew.test" });
    expect(await client.getInvoice(created.externalId)).toMatchObject({ crossReference: "inv_01", version: created.version });

    const before = await counts(org);
    const replay = await client.createInvoice(draft(), { idempotencyKey: "inv_01:v1:xero" });
    expect(replay.externalId).toBe(created.externalId);
    expect(await counts(org)).toEqual(before);
    const tagged = (await raw(h, org, "GET", "/Invoices?searchTerm=concord:inv_01")).body.Invoices as unknown[];
    expect(tagged).toHaveLength(1);
  });

  it("finds the contact by name, or uses the one Concord knows, and sends the number when given", async () => {
    const first = await client.createInvoice(draft({ concordId: "inv_02" }), { idempotencyKey: "inv_02:v1:xero" });
    const byName = await client.createInvoice(draft({ concordId: "inv_03", customer: { externalId: null, name: "  brand new customer ltd ", email: null } }), { idempotencyKey: "inv_03:v1:xero" });
    expect(byName.customerExternalId).toBe(first.customerExternalId);
    const known = await client.createInvoice(draft({ concordId: "inv_04", number: "CON-0004", customer: { externalId: first.customerExternalId, name: "ignored", email: null } }), {
      idempotencyKey: "x".repeat(200),
    });
    expect(known).toMatchObject({ customerExternalId: first.customerExternalId, number: "CON-0004", crossReference: "inv_04" });
    const contacts = (await raw(h, org, "GET", "/Contacts")).body.Contacts as { Name: string }[];
    expect(contacts.map((c) => c.Name)).toEqual(["Brand New Customer Ltd"]);
  });

  it("writes zero- and three-decimal currencies exactly, and refuses amounts Xero would round", async () => {
    const jpy = await client.createInvoice(draft({ concordId: "inv_jpy", currency: "JPY", lines: [{ description: "Seat", quantity: "3", unitAmountMinor: 1000n }] }), { idempotencyKey: "inv_jpy" });
    expect(jpy).toMatchObject({ currency: "JPY", totalMinor: 3000n, lines: [{ unitAmountMinor: 1000n, amountMinor: 3000n }] });
    const kwd = await client.createInvoice(draft({ concordId: "inv_kwd", currency: "KWD", lines: [{ description: "Seat", quantity: "2", unitAmountMinor: 1235n }] }), { idempotencyKey: "inv_kwd" });
    expect(kwd).toMatchObject({ currency: "KWD", totalMinor: 2470n, lines: [{ unitAmountMinor: 1235n, amountMinor: 2470n }] });

    const before = await counts(org);
    const rounded = client.createInvoice(draft({ concordId: "inv_kwd2", currency: "KWD", lines: [{ description: "Seat", quantity: "1", unitAmountMinor: 1234n }] }), { idempotencyKey: "inv_kwd2" });
    await expect(rounded).rejects.toMatchObject({ kind: "invalid", details: { code: "precision" } });
    await expect(client.createInvoice(draft({ concordId: "inv_bad", currency: "XYZ" }), { idempotencyKey: "inv_bad" })).rejects.toMatchObject({ kind: "invalid" });
    await expect(client.createInvoice(draft({ concordId: "inv_bad2", lines: [{ description: "x", quantity: "1e3", unitAmountMinor: 1n }] }), { idempotencyKey: "inv_bad2" })).rejects.toMatchObject({ kind: "invalid" });
    expect(await counts(org)).toEqual(before);
  });

  it("reports Xero's validation errors as invalid", async () => {
    const error = await client.createInvoice(draft({ concordId: "inv_dup", number: "CON-0004" }), { idempotencyKey: "inv_dup" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "invalid", details: { status: 400, code: "ValidationException" } });
    expect((error as Error).message).toContain("Invoice # must be unique");
  });
});

describe("recordPayment and voidInvoice", () => {
  let org: Org;
  let client: ProviderClient;
  beforeAll(async () => {
    org = await newOrg(h, "Paying Org");
    client = vault(h, org).client;
  });

  it("records a partial then a full payment; the same key twice records one payment", async () => {
    const invoice = await client.createInvoice(draft({ concordId: "inv_pay" }), { idempotencyKey: "inv_pay" });
    const partial = await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 4000n, currency: "USD", paidOn: "2026-03-10", reference: "wire 1" }, { idempotencyKey: "pay_1" });
    expect(partial).toMatchObject({ kind: "PAYMENT", invoiceExternalIds: [invoice.externalId], customerExternalId: invoice.customerExternalId, currency: "USD", amountMinor: 4000n, paidOn: "2026-03-10", deleted: false });
    const again = await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 4000n, currency: "USD", paidOn: "2026-03-10", reference: "wire 1" }, { idempotencyKey: "pay_1" });
    expect(again.externalId).toBe(partial.externalId);
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: 4000n, amountDueMinor: 7500n });

    await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 7500n, currency: "USD", paidOn: "2026-03-20", reference: null }, { idempotencyKey: "pay_2" });
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 11500n, amountDueMinor: 0n, paidDate: "2026-03-20" });
    expect((await client.listPayments(null)).items.filter((p) => p.invoiceExternalIds[0] === invoice.externalId)).toHaveLength(2);

    // Paid invoices cannot be voided until their payments are removed.
    await expect(client.voidInvoice(invoice.externalId, { idempotencyKey: "void_paid" })).rejects.toMatchObject({ kind: "invalid" });
  });

  it("refuses a payment over the amount due, in another currency, or on an unknown invoice", async () => {
    const invoice = await client.createInvoice(draft({ concordId: "inv_over" }), { idempotencyKey: "inv_over" });
    const over = await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 11501n, currency: "USD", paidOn: "2026-03-10", reference: null }, { idempotencyKey: "pay_over" }).catch((e: unknown) => e);
    expect(over).toMatchObject({ kind: "invalid", details: { code: "ValidationException" } });
    expect((over as Error).message).toContain("exceeds the amount outstanding");
    await expect(client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 100n, currency: "EUR", paidOn: "2026-03-10", reference: null }, { idempotencyKey: "pay_eur" })).rejects.toMatchObject({ kind: "invalid", details: { code: "currency" } });
    await expect(client.recordPayment({ invoiceExternalId: "00000000-0000-4000-8000-000000000000", amountMinor: 100n, currency: "USD", paidOn: "2026-03-10", reference: null }, { idempotencyKey: "pay_none" })).rejects.toMatchObject({ kind: "not_found" });
    expect((await client.getInvoice(invoice.externalId))?.amountPaidMinor).toBe(0n);
  });

  it("voids an approved invoice, deletes a draft, and voiding twice changes nothing", async () => {
    const invoice = await client.createInvoice(draft({ concordId: "inv_void" }), { idempotencyKey: "inv_void" });
    const voided = await client.voidInvoice(invoice.externalId, { idempotencyKey: "void_1" });
    expect(voided).toMatchObject({ externalId: invoice.externalId, status: "VOID", deleted: false, amountDueMinor: 0n });
    expect(voided.version > invoice.version).toBe(true);
    expect(await client.voidInvoice(invoice.externalId, { idempotencyKey: "void_1" })).toMatchObject({ status: "VOID", version: voided.version });

    const draftInvoice = await raw(h, org, "PUT", "/Invoices", { Type: "ACCREC", Contact: { Name: "Draft Customer" }, Status: "DRAFT", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 10, AccountCode: "200" }] });
    const id = draftInvoice.body.Invoices[0].InvoiceID as string;
    expect(await client.getInvoice(id)).toMatchObject({ status: "DRAFT" });
    expect(await client.voidInvoice(id, { idempotencyKey: "void_draft" })).toMatchObject({ status: "VOID", deleted: true });
  });
});

type Received = { rawBody: string; headers: Headers; ok: boolean; events: WebhookEvent[] };

/** A webhook endpoint like Concord's intake: verify with the connector, 200 or 401 with an empty body. */
async function receiver(key: string) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks).toString("utf8");
      const headers = new Headers(Object.entries(req.headers).flatMap(([k, v]) => (typeof v === "string" ? [[k, v] as [string, string]] : [])));
      const ok = h.connector.webhooks.verify({ method: req.method ?? "POST", url: req.url ?? "/", headers, rawBody }, key, new Date()).ok;
      received.push({ rawBody, headers, ok, events: ok ? h.connector.webhooks.parse(rawBody) : [] });
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/webhooks/xero`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function waitFor<T>(find: () => T | undefined, ms = 3_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error("timed out waiting for a webhook");
    await sleep(20);
  }
}

describe("webhooks", () => {
  it("passes intent to receive, then verifies and parses the events of real changes", async () => {
    const org = await newOrg(h, "Webhook Org");
    const r = await receiver(WEBHOOK_KEY);
    try {
      const sub = await h.control("webhooks", { accountId: org.tenantId, url: r.url, secret: WEBHOOK_KEY });
      expect(sub).toMatchObject({ status: "active", intentToReceive: { status: "passed" } });
      // Intent to receive: two correctly signed empty batches (200), two wrongly signed (401).
      expect(r.received.map((x) => x.ok)).toEqual([true, false, true, false]);
      expect(r.received.every((x) => x.events.length === 0)).toBe(true);

      const { client } = vault(h, org);
      const invoice = await client.createInvoice(draft({ concordId: "inv_hook", customer: { externalId: null, name: "Hooked Ltd", email: null } }), { idempotencyKey: "inv_hook" });
      const created = await waitFor(() => r.received.flatMap((x) => x.events).find((e) => e.eventType === "INVOICE.CREATE"));
      expect(created).toMatchObject({ accountId: org.tenantId, hints: [{ entity: "invoice", externalId: invoice.externalId, deleted: false }] });
      expect(Math.abs(created.occurredAt.getTime() - Date.now())).toBeLessThan(5_000);
      const contact = await waitFor(() => r.received.flatMap((x) => x.events).find((e) => e.eventType === "CONTACT.CREATE"));
      expect(contact.hints).toEqual([{ entity: "customer", externalId: invoice.customerExternalId, deleted: false }]);

      // A payment shows up as an update of its invoice.
      await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 100n, currency: "USD", paidOn: "2026-03-10", reference: null }, { idempotencyKey: "pay_hook" });
      const updated = await waitFor(() => r.received.flatMap((x) => x.events).find((e) => e.eventType === "INVOICE.UPDATE"));
      expect(updated.hints).toEqual([{ entity: "invoice", externalId: invoice.externalId, deleted: false }]);
      expect(new Set(r.received.flatMap((x) => x.events).map((e) => e.eventId)).size).toBe(r.received.flatMap((x) => x.events).length);

      const delivery = r.received.find((x) => x.events.length > 0)!;
      const request = { method: "POST", url: r.url, headers: delivery.headers, rawBody: delivery.rawBody };
      expect(h.connector.webhooks.verify(request, WEBHOOK_KEY, new Date()).ok).toBe(true);
      expect(h.connector.webhooks.verify({ ...request, rawBody: delivery.rawBody.replace(org.tenantId, "00000000-0000-4000-8000-000000000000") }, WEBHOOK_KEY, new Date()).ok).toBe(false);
      expect(h.connector.webhooks.verify(request, "another-key", new Date()).ok).toBe(false);
    } finally {
      await r.close();
    }
  });

  it("fails intent to receive when the endpoint holds another key", async () => {
    const org = await newOrg(h, "Misconfigured Org");
    const r = await receiver("not-the-key");
    try {
      const sub = await h.control("webhooks", { accountId: org.tenantId, url: r.url, secret: WEBHOOK_KEY });
      expect(sub).toMatchObject({ status: "disabled", intentToReceive: { status: "failed" } });
    } finally {
      await r.close();
    }
  });
});
