/**
 * Credit notes and their cash refunds in the Xero sandbox, through xero-node's AccountingApi and
 * plain HTTP: created once per Idempotency-Key, refunded by a payment against the credit note
 * (PaymentType ARCREDITPAYMENT) that uses up RemainingCredit, Xero's refusals with nothing saved,
 * deleting a refund, voiding, and If-Modified-Since lists.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AccountingApi, CreditNote, CurrencyCode, LineAmountTypes } from "xero-node";
import { accountingApi, call, type Harness, invoice, newTenant, sdkError, startXero, type Tenant } from "./testing";
import { creditNotesOf } from "./types";

let h: Harness;
let tenant: Tenant;
let api: AccountingApi;

beforeAll(async () => {
  h = await startXero();
  tenant = await newTenant(h.url, "Refunding Org Ltd");
  api = accountingApi(h.url, tenant.token);
});
afterAll(() => h.close());

const notes = () => Object.values(creditNotesOf(h.sandbox.data.get(tenant.tenantId)!));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function paidInvoice(name: string) {
  const created = await call(h.url, "PUT", "/api.xro/2.0/Invoices", { tenant, body: invoice({ Contact: { Name: name }, LineAmountTypes: "NoTax" }) });
  const inv = created.body.Invoices[0];
  await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant, body: { Invoice: { InvoiceID: inv.InvoiceID }, Account: { Code: "090" }, Date: "2026-03-05", Amount: 100 } });
  return (await call(h.url, "GET", `/api.xro/2.0/Invoices/${inv.InvoiceID}`, { tenant })).body.Invoices[0];
}

function creditNoteFor(contactID: string, amount: number, reference: string): CreditNote {
  return {
    type: CreditNote.TypeEnum.ACCRECCREDIT,
    contact: { contactID },
    date: "2026-03-09",
    status: CreditNote.StatusEnum.AUTHORISED,
    lineAmountTypes: LineAmountTypes.NoTax,
    currencyCode: CurrencyCode.USD,
    reference,
    lineItems: [{ description: "Refund", quantity: 1, unitAmount: amount, accountCode: "200" }],
  };
}

describe("credit notes and refunds", () => {
  it("creates a credit note once per key and refunds it in cash, which uses it up and leaves the invoice paid", async () => {
    const inv = await paidInvoice("Refund Customer Ltd");
    const contactID = inv.Contact.ContactID as string;
    const created = await api.createCreditNotes(tenant.tenantId, { creditNotes: [creditNoteFor(contactID, 40, `refund-of:${inv.InvoiceID}`)] }, true, undefined, "cn-key-1");
    const note = created.body.creditNotes![0]!;
    expect(note).toMatchObject({ type: CreditNote.TypeEnum.ACCRECCREDIT, creditNoteNumber: "CN-0001", total: 40, remainingCredit: 40, reference: `refund-of:${inv.InvoiceID}`, contact: { contactID } });
    expect(note.status).toBe(CreditNote.StatusEnum.AUTHORISED);
    const replay = await api.createCreditNotes(tenant.tenantId, { creditNotes: [creditNoteFor(contactID, 40, `refund-of:${inv.InvoiceID}`)] }, true, undefined, "cn-key-1");
    expect(replay.body.creditNotes![0]!.creditNoteID).toBe(note.creditNoteID);
    expect(notes()).toHaveLength(1);

    const paid = await api.createPayments(tenant.tenantId, { payments: [{ creditNote: { creditNoteID: note.creditNoteID }, account: { code: "090" }, date: "2026-03-09", amount: 40, reference: "wire back" }] }, true, "refund-key-1");
    const refund = paid.body.payments![0]!;
    expect(refund.amount).toBe(40);
    // The raw answer: a refund, told apart from an invoice payment by PaymentType.
    const raw = (await call(h.url, "GET", `/api.xro/2.0/Payments/${refund.paymentID}`, { tenant })).body.Payments[0];
    expect(raw).toMatchObject({ PaymentType: "ARCREDITPAYMENT", Status: "AUTHORISED", Amount: 40, Reference: "wire back", CreditNote: { CreditNoteID: note.creditNoteID, CreditNoteNumber: "CN-0001", Type: "ACCRECCREDIT" }, Invoice: { InvoiceID: note.creditNoteID, Type: "ACCRECCREDIT" } });

    const after = (await call(h.url, "GET", `/api.xro/2.0/CreditNotes/${note.creditNoteID}`, { tenant })).body.CreditNotes[0];
    expect(after).toMatchObject({ Status: "PAID", RemainingCredit: 0, Total: 40, Reference: `refund-of:${inv.InvoiceID}`, Payments: [{ PaymentID: refund.paymentID, Amount: 40, Reference: "wire back" }], FullyPaidOnDate: expect.stringMatching(/^\/Date\(\d+\+0000\)\/$/) });
    expect((await call(h.url, "GET", `/api.xro/2.0/CreditNotes/CN-0001`, { tenant })).body.CreditNotes[0].CreditNoteID).toBe(note.creditNoteID);
    expect((await call(h.url, "GET", `/api.xro/2.0/Invoices/${inv.InvoiceID}`, { tenant })).body.Invoices[0]).toMatchObject({ Status: "PAID", AmountPaid: 100, AmountDue: 0 });

    const refunds = await call(h.url, "GET", `/api.xro/2.0/Payments?where=${encodeURIComponent('PaymentType=="ARCREDITPAYMENT"')}`, { tenant });
    expect(refunds.body.Payments.map((p: { PaymentID: string }) => p.PaymentID)).toEqual([refund.paymentID]);
    const sales = await call(h.url, "GET", `/api.xro/2.0/Payments?where=${encodeURIComponent('PaymentType=="ACCRECPAYMENT"')}`, { tenant });
    expect(sales.body.Payments.every((p: { PaymentType: string }) => p.PaymentType === "ACCRECPAYMENT")).toBe(true);
  });

  it("refuses what Xero refuses, saving nothing", async () => {
    const inv = await paidInvoice("Careful Customer Ltd");
    const contactID = inv.Contact.ContactID as string;
    const before = notes().length;
    const noContact = await sdkError(api.createCreditNotes(tenant.tenantId, { creditNotes: [creditNoteFor("00000000-0000-0000-0000-000000000000", 10, "x")] }));
    expect(noContact.statusCode).toBe(400);
    expect(JSON.stringify(noContact.body)).toContain("ContactID could not be found");
    const badType = await call(h.url, "PUT", "/api.xro/2.0/CreditNotes", { tenant, body: { Type: "ACCREC", Contact: { ContactID: contactID }, LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 5, AccountCode: "200" }] } });
    expect(badType.status).toBe(400);
    expect(notes()).toHaveLength(before);

    const draft = (await call(h.url, "PUT", "/api.xro/2.0/CreditNotes", { tenant, body: { Type: "ACCRECCREDIT", Contact: { ContactID: contactID }, Status: "DRAFT", LineAmountTypes: "NoTax", LineItems: [{ Description: "x", Quantity: 1, UnitAmount: 25, AccountCode: "200" }] } })).body.CreditNotes[0];
    const onDraft = await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant, body: { CreditNote: { CreditNoteID: draft.CreditNoteID }, Account: { Code: "090" }, Date: "2026-03-09", Amount: 25 } });
    expect(onDraft.status).toBe(400);
    expect(JSON.stringify(onDraft.body)).toContain("Authorised documents");
    const authorised = (await call(h.url, "POST", `/api.xro/2.0/CreditNotes/${draft.CreditNoteID}`, { tenant, body: { Status: "AUTHORISED" } })).body.CreditNotes[0];
    expect(authorised).toMatchObject({ Status: "AUTHORISED", RemainingCredit: 25, CreditNoteNumber: expect.stringMatching(/^CN-\d{4}$/) });
    const tooMuch = await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant, body: { CreditNote: { CreditNoteID: draft.CreditNoteID }, Account: { Code: "090" }, Date: "2026-03-09", Amount: 25.01 } });
    expect(JSON.stringify(tooMuch.body)).toContain("exceeds the amount outstanding");
    const both = await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant, body: { Invoice: { InvoiceID: inv.InvoiceID }, CreditNote: { CreditNoteID: draft.CreditNoteID }, Account: { Code: "090" }, Amount: 1 } });
    expect(both.status).toBe(400);
    const refunds = await call(h.url, "GET", `/api.xro/2.0/Payments?where=${encodeURIComponent(`CreditNote.CreditNoteID==guid("${draft.CreditNoteID}")`)}`, { tenant });
    expect(refunds.body.Payments).toEqual([]);
  });

  it("undoes a deleted refund, voids only without refunds, and lists what changed", async () => {
    const inv = await paidInvoice("Changing Customer Ltd");
    const contactID = inv.Contact.ContactID as string;
    const note = (await api.createCreditNotes(tenant.tenantId, { creditNotes: [creditNoteFor(contactID, 30, `refund-of:${inv.InvoiceID}`)] })).body.creditNotes![0]!;
    const refund = (await call(h.url, "PUT", "/api.xro/2.0/Payments", { tenant, body: { CreditNote: { CreditNoteID: note.creditNoteID }, Account: { Code: "090" }, Date: "2026-03-09", Amount: 10 } })).body.Payments[0];
    expect((await call(h.url, "GET", `/api.xro/2.0/CreditNotes/${note.creditNoteID}`, { tenant })).body.CreditNotes[0]).toMatchObject({ Status: "AUTHORISED", RemainingCredit: 20 });
    const voidWithRefund = await call(h.url, "POST", `/api.xro/2.0/CreditNotes/${note.creditNoteID}`, { tenant, body: { Status: "VOIDED" } });
    expect(JSON.stringify(voidWithRefund.body)).toContain("cannot be voided");

    await sleep(5);
    const since = new Date().toISOString();
    await sleep(5);
    const deleted = await call(h.url, "POST", `/api.xro/2.0/Payments/${refund.PaymentID}`, { tenant, body: { Status: "DELETED" } });
    expect(deleted.body.Payments[0]).toMatchObject({ Status: "DELETED", PaymentType: "ARCREDITPAYMENT" });
    const restored = (await call(h.url, "GET", `/api.xro/2.0/CreditNotes/${note.creditNoteID}`, { tenant })).body.CreditNotes[0];
    expect(restored).toMatchObject({ Status: "AUTHORISED", RemainingCredit: 30, Payments: [] });
    const voided = await call(h.url, "POST", `/api.xro/2.0/CreditNotes/${note.creditNoteID}`, { tenant, body: { Status: "VOIDED" } });
    expect(voided.body.CreditNotes[0]).toMatchObject({ Status: "VOIDED", RemainingCredit: 0 });

    const changed = await call(h.url, "GET", "/api.xro/2.0/CreditNotes?page=1", { tenant, headers: { "if-modified-since": since } });
    expect(changed.body.CreditNotes.map((c: { CreditNoteID: string }) => c.CreditNoteID)).toEqual([note.creditNoteID]);
    expect(changed.body.pagination).toMatchObject({ page: 1, itemCount: 1 });
    const byType = await call(h.url, "GET", `/api.xro/2.0/CreditNotes?where=${encodeURIComponent('Type=="ACCRECCREDIT" AND Status=="VOIDED"')}`, { tenant });
    expect(byType.body.CreditNotes.map((c: { CreditNoteID: string }) => c.CreditNoteID)).toEqual([note.creditNoteID]);
    expect((await call(h.url, "GET", "/api.xro/2.0/CreditNotes/00000000-0000-0000-0000-000000000000", { tenant })).status).toBe(404);
  });
});
