/**
 * The Xero connector's refunds against the Xero sandbox: a credit note for the invoice's contact,
 * refunded in cash, written once per idempotency key (also when a retry finds half of it done),
 * read back as a REFUND of the invoice (the write's answer, getPayment, a full list and an
 * incremental pull), credit notes that refund no invoice left out, and bad refunds refused with
 * nothing written. Each test has its own organisation: Xero allows 60 calls a minute.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExternalInvoice, ExternalPayment, InvoiceDraft, ProviderClient } from "../types";
import { type Harness, newOrg, type Org, raw, startHarness, vault } from "./testing";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const draft = (concordId: string, currency = "USD"): InvoiceDraft => ({
  concordId,
  number: null,
  customer: { externalId: null, name: "Refunded Customer Ltd", email: null },
  currency,
  issueDate: "2026-03-01",
  dueDate: "2026-03-31",
  memo: null,
  lines: [{ description: "Consulting", quantity: "1", unitAmountMinor: 10_000n }],
});

async function paidInvoice(client: ProviderClient, concordId: string, currency = "USD"): Promise<ExternalInvoice> {
  const invoice = await client.createInvoice(draft(concordId, currency), { idempotencyKey: `inv:${concordId}` });
  await client.recordPayment({ invoiceExternalId: invoice.externalId, amountMinor: 10_000n, currency, paidOn: "2026-03-05", reference: null }, { idempotencyKey: `pay:${concordId}` });
  return invoice;
}

const creditNotes = async (org: Org) => ((await h.stats()).objects[org.tenantId] as { creditNotes: number }).creditNotes;

async function allPayments(client: ProviderClient): Promise<ExternalPayment[]> {
  const items: ExternalPayment[] = [];
  let cursor: string | null = null;
  do {
    const page = await client.listPayments(cursor);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return items;
}

describe("recordRefund", () => {
  it("writes a credit note refunded in cash once per key, read back as a REFUND of the invoice everywhere", async () => {
    const org = await newOrg(h, "Refunding Org");
    const { client } = vault(h, org);
    const start = await client.startCursor();
    const invoice = await paidInvoice(client, "inv_r1");
    const refundDraft = { invoiceExternalId: invoice.externalId, amountMinor: 2_550n, currency: "usd", refundedOn: "2026-03-09", reference: "Stripe re_9" };
    const refund = await client.recordRefund(refundDraft, { idempotencyKey: "refund:r1:xero" });
    expect(refund).toMatchObject({ kind: "REFUND", deleted: false, invoiceExternalIds: [invoice.externalId], customerExternalId: invoice.customerExternalId, currency: "USD", amountMinor: 2_550n, paidOn: "2026-03-09" });
    expect(refund.raw).toMatchObject({ Type: "ACCRECCREDIT", Status: "PAID", Total: 25.5, RemainingCredit: 0, Reference: `refund-of:${invoice.externalId} Stripe re_9` });
    expect((await client.recordRefund(refundDraft, { idempotencyKey: "refund:r1:xero" })).externalId).toBe(refund.externalId);
    expect(await creditNotes(org)).toBe(1);
    const refunds = await raw(h, org, "GET", `/Payments?where=${encodeURIComponent('PaymentType=="ARCREDITPAYMENT"')}`);
    expect(refunds.body.Payments).toHaveLength(1);
    // The invoice stays paid.
    expect(await client.getInvoice(invoice.externalId)).toMatchObject({ status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n });

    expect(await client.getPayment(refund.externalId)).toMatchObject({ externalId: refund.externalId, kind: "REFUND", amountMinor: 2_550n, version: refund.version });
    // The refund's own payment is not a payment of the invoice.
    expect(await client.getPayment(refunds.body.Payments[0].PaymentID)).toBeNull();
    expect((await allPayments(client)).map((p) => [p.kind, p.amountMinor, p.invoiceExternalIds])).toEqual([
      ["PAYMENT", 10_000n, [invoice.externalId]],
      ["REFUND", 2_550n, [invoice.externalId]],
    ]);
    const changes = await client.changes(start);
    expect(changes.payments.filter((p) => p.kind === "REFUND")).toEqual([expect.objectContaining({ externalId: refund.externalId, amountMinor: 2_550n, paidOn: "2026-03-09" })]);

    // A credit note that refunds no invoice (a goodwill credit) is not Concord's refund.
    const contact = invoice.customerExternalId!;
    const goodwill = await raw(h, org, "PUT", "/CreditNotes", { Type: "ACCRECCREDIT", Contact: { ContactID: contact }, Status: "AUTHORISED", LineAmountTypes: "NoTax", LineItems: [{ Description: "Goodwill", Quantity: 1, UnitAmount: 5, AccountCode: "200" }] });
    expect(await client.getPayment(goodwill.body.CreditNotes[0].CreditNoteID)).toBeNull();
    // Its cash refund deleted in Xero, the refund returned nothing: deleted.
    await raw(h, org, "POST", `/Payments/${refunds.body.Payments[0].PaymentID}`, { Status: "DELETED" });
    const after = await client.changes(changes.cursor);
    expect(after.payments.filter((p) => p.kind === "REFUND")).toEqual([expect.objectContaining({ externalId: refund.externalId, deleted: true, amountMinor: 0n })]);
  });

  it("finishes a refund whose credit note a failed attempt already wrote, without a second credit note", async () => {
    const org = await newOrg(h, "Half Done Org");
    const { client } = vault(h, org);
    const invoice = await paidInvoice(client, "inv_r2", "JPY");
    const refundDraft = { invoiceExternalId: invoice.externalId, amountMinor: 4_000n, currency: "JPY", refundedOn: "2026-03-12", reference: null };
    // The refund's cash payment fails once (a 500 after the credit note was written), then the job retries.
    await h.control("faults", { errorRate: 1, paths: ["/api.xro/2.0/Payments"] });
    try {
      await expect(client.recordRefund(refundDraft, { idempotencyKey: "refund:r2" })).rejects.toMatchObject({ kind: "server" });
    } finally {
      await h.control("faults", {});
    }
    expect(await creditNotes(org)).toBe(1);
    const refund = await client.recordRefund(refundDraft, { idempotencyKey: "refund:r2" });
    expect(refund).toMatchObject({ kind: "REFUND", deleted: false, currency: "JPY", amountMinor: 4_000n, invoiceExternalIds: [invoice.externalId], paidOn: "2026-03-12" });
    expect((refund.raw as { Reference: string }).Reference).toMatch(/^refund-of:[0-9a-f-]{36} Refund of INV-\d{4}$/);
    expect(await creditNotes(org)).toBe(1);
  });

  it("refuses bad refunds before writing anything", async () => {
    const org = await newOrg(h, "Strict Org");
    const { client } = vault(h, org);
    const invoice = await paidInvoice(client, "inv_r3");
    const base = { invoiceExternalId: invoice.externalId, amountMinor: 100n, currency: "USD", refundedOn: "2026-03-09", reference: null };
    const key = { idempotencyKey: "refund:bad" };
    await expect(client.recordRefund({ ...base, amountMinor: 0n }, key)).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_refund" } });
    await expect(client.recordRefund({ ...base, amountMinor: -1n }, key)).rejects.toMatchObject({ kind: "invalid", details: { code: "invalid_refund" } });
    await expect(client.recordRefund({ ...base, currency: "EUR" }, key)).rejects.toMatchObject({ kind: "invalid", details: { code: "currency_mismatch" } });
    await expect(client.recordRefund({ ...base, amountMinor: 10_001n }, key)).rejects.toMatchObject({ kind: "invalid", details: { code: "refund_exceeds_paid" } });
    await expect(client.recordRefund({ ...base, currency: "KWD" }, key)).rejects.toMatchObject({ kind: "invalid" });
    const unpaid = await client.createInvoice(draft("inv_r4"), { idempotencyKey: "inv:inv_r4" });
    await expect(client.recordRefund({ ...base, invoiceExternalId: unpaid.externalId }, key)).rejects.toMatchObject({ kind: "invalid", details: { code: "refund_exceeds_paid" } });
    await expect(client.recordRefund({ ...base, invoiceExternalId: "00000000-0000-0000-0000-000000000000" }, key)).rejects.toMatchObject({ kind: "not_found" });
    expect(await creditNotes(org)).toBe(0);
    expect(h.connector.supportsRefunds).toBe(true);
  });
});
