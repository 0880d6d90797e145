/**
 * The Xero sandbox driven by xero-node's AccountingApi, as a connector would: create invoices,
 * sync them incrementally with If-Modified-Since, pay them, delete a payment.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccountingApi, Invoice, LineAmountTypes } from "xero-node";
import { accountingApi, type Harness, newTenant, sdkError, startXero, type Tenant } from "./testing";

let h: Harness;
let tenant: Tenant;
let api: AccountingApi;

beforeAll(async () => {
  h = await startXero();
  tenant = await newTenant(h.url, "Sdk Org Ltd");
  api = accountingApi(h.url, tenant.token);
});
afterAll(() => h.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function draftInvoice(name: string, unitAmount: number, quantity = 2): Invoice {
  return {
    type: Invoice.TypeEnum.ACCREC,
    contact: { name },
    date: "2026-01-15",
    dueDate: "2026-02-14",
    status: Invoice.StatusEnum.AUTHORISED,
    lineAmountTypes: LineAmountTypes.Exclusive,
    lineItems: [{ description: "Widgets", quantity, unitAmount, accountCode: "200" }],
  };
}

describe("xero-node AccountingApi against the sandbox", () => {
  it("creates invoices and lists only those changed since If-Modified-Since, with dates and amounts deserialized", async () => {
    const created = await api.createInvoices(tenant.tenantId, { invoices: [draftInvoice("Globex GmbH", 19.99), draftInvoice("Initech LLC", 100)] });
    expect(created.response.status).toBe(200);
    const [first, second] = created.body.invoices!;
    // 2 × 19.99 = 39.98 plus 15% tax (5.997 → 6.00).
    expect(first!.subTotal).toBe(39.98);
    expect(first!.totalTax).toBe(6);
    expect(first!.total).toBe(45.98);
    expect(first!.amountDue).toBe(45.98);
    expect(first!.date).toEqual(new Date(Date.UTC(2026, 0, 15)));
    expect(first!.invoiceNumber).toMatch(/^INV-\d{4}$/);
    expect(second!.invoiceNumber).not.toBe(first!.invoiceNumber);
    expect(created.response.headers["x-minlimit-remaining"]).toBe("59");

    await sleep(5);
    const since = new Date();
    await sleep(5);
    await api.updateInvoice(tenant.tenantId, second!.invoiceID!, { invoices: [{ reference: "PO 7781" }] });
    const third = await api.createInvoices(tenant.tenantId, { invoices: [draftInvoice("Hooli Inc.", 12.5, 3)] });

    const changed = await api.getInvoices(tenant.tenantId, since);
    const ids = changed.body.invoices!.map((i) => i.invoiceID).sort();
    expect(ids).toEqual([second!.invoiceID, third.body.invoices![0]!.invoiceID].sort());
    for (const inv of changed.body.invoices!) {
      expect(inv.updatedDateUTC).toBeInstanceOf(Date);
      expect(inv.updatedDateUTC!.getTime()).toBeGreaterThan(since.getTime());
      expect(inv.dueDate).toEqual(new Date(Date.UTC(2026, 1, 14)));
    }
    const updated = changed.body.invoices!.find((i) => i.invoiceID === second!.invoiceID)!;
    expect(updated.reference).toBe("PO 7781");
    expect(updated.total).toBe(230);

    const all = await api.getInvoices(tenant.tenantId);
    expect(all.body.invoices).toHaveLength(3);
  });

  it("pays an invoice in two parts: AUTHORISED then PAID with FullyPaidOnDate; an overpayment is refused; deleting a payment reverts", async () => {
    const created = await api.createInvoices(tenant.tenantId, { invoices: [draftInvoice("Wonka Foods", 25.5)] });
    const inv = created.body.invoices![0]!; // 51.00 + 7.65 tax = 58.65
    expect(inv.total).toBe(58.65);

    const partial = await api.createPayment(tenant.tenantId, { invoice: { invoiceID: inv.invoiceID }, account: { code: "090" }, date: "2026-02-01", amount: 20.15 });
    const p1 = partial.body.payments![0]!;
    expect(p1.amount).toBe(20.15);
    expect(p1.date).toEqual(new Date(Date.UTC(2026, 1, 1)));
    expect(p1.invoice!.amountDue).toBe(38.5);
    expect(p1.invoice!.status).toBe("AUTHORISED");

    const over = await sdkError(api.createPayment(tenant.tenantId, { invoice: { invoiceID: inv.invoiceID }, account: { code: "090" }, date: "2026-02-02", amount: 38.51 }));
    expect(over.statusCode).toBe(400);
    expect(over.body.Type).toBe("ValidationException");
    expect(over.body.Elements[0].ValidationErrors[0].Message).toBe("Payment amount exceeds the amount outstanding on this document");

    const rest = await api.createPayment(tenant.tenantId, { invoice: { invoiceID: inv.invoiceID }, account: { code: "090" }, date: "2026-02-03", amount: 38.5 });
    expect(rest.body.payments![0]!.invoice!.status).toBe("PAID");

    const paid = (await api.getInvoice(tenant.tenantId, inv.invoiceID!)).body.invoices![0]!;
    expect(paid.status).toBe("PAID");
    expect(paid.amountDue).toBe(0);
    expect(paid.amountPaid).toBe(58.65);
    expect(paid.fullyPaidOnDate).toEqual(new Date(Date.UTC(2026, 1, 3)));
    expect(paid.payments!.map((p) => p.amount)).toEqual([20.15, 38.5]);

    const deleted = await api.deletePayment(tenant.tenantId, p1.paymentID!, { status: "DELETED" });
    expect(deleted.body.payments![0]!.status).toBe("DELETED");
    const reverted = (await api.getInvoice(tenant.tenantId, inv.invoiceID!)).body.invoices![0]!;
    expect(reverted.status).toBe("AUTHORISED");
    expect(reverted.amountDue).toBe(20.15);
    expect(reverted.fullyPaidOnDate).toBeUndefined();

    const payments = await api.getPayments(tenant.tenantId, undefined, 'Status=="AUTHORISED"');
    expect(payments.body.payments!.every((p) => String(p.status) === "AUTHORISED")).toBe(true);
    expect(payments.body.payments!.map((p) => p.paymentID)).not.toContain(p1.paymentID);
  });

  it("pages with page/pageSize and filters with where, order and Statuses", async () => {
    const t = await newTenant(h.url);
    const client = accountingApi(h.url, t.token);
    const seeded = await fetch(`${h.url}/_sandbox/seed`, { method: "POST", body: JSON.stringify({ accountId: t.tenantId, seed: 7, customers: 12, invoices: 130 }) });
    const created = (await seeded.json()).created;
    expect(created.invoices).toBe(130);
    const total = 130 + created.bills; // sales invoices and the supplier bills the seed adds

    const page1 = await client.getInvoices(t.tenantId, undefined, undefined, "InvoiceNumber ASC", undefined, undefined, undefined, undefined, 1);
    expect(page1.body.invoices).toHaveLength(100);
    expect(page1.body.pagination).toEqual({ page: 1, pageSize: 100, pageCount: 2, itemCount: total });
    expect(page1.body.invoices![0]!.lineItems!.length).toBeGreaterThan(0);
    const page2 = await client.getInvoices(t.tenantId, undefined, undefined, "InvoiceNumber ASC", undefined, undefined, undefined, undefined, 2);
    expect(page2.body.invoices).toHaveLength(total - 100);
    const numbers = [...page1.body.invoices!, ...page2.body.invoices!].map((i) => i.invoiceNumber!);
    expect(new Set(numbers).size).toBe(total);
    expect([...numbers].sort()).toEqual(numbers);

    const sales = await client.getInvoices(t.tenantId, undefined, 'Type=="ACCREC" AND Status=="AUTHORISED"');
    expect(sales.body.invoices!.length).toBeGreaterThan(0);
    expect(sales.body.invoices!.every((i) => String(i.type) === "ACCREC" && String(i.status) === "AUTHORISED")).toBe(true);
    const byStatus = await client.getInvoices(t.tenantId, undefined, undefined, undefined, undefined, undefined, undefined, ["PAID", "VOIDED"]);
    expect(byStatus.body.invoices!.every((i) => ["PAID", "VOIDED"].includes(String(i.status)))).toBe(true);
    expect(byStatus.body.invoices!.some((i) => String(i.status) === "VOIDED" && i.amountDue === 0)).toBe(true);
  });
});
