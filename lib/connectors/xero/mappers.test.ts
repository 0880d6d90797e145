/**
 * The Xero mappers on recorded wire JSON (fixtures/, recorded from the sandbox with
 * fixtures/record.ts) and on hand-written edge cases: exact minor units, calendar dates, statuses,
 * versions and the cross-reference.
 */
import { describe, expect, it } from "vitest";
import { MoneyError } from "../../normalize/money";
import contactsJson from "./fixtures/contacts.json";
import creditNotesJson from "./fixtures/credit-notes.json";
import invoicesJson from "./fixtures/invoices.json";
import paymentsJson from "./fixtures/payments.json";
import {
  formatReference,
  isCustomerContact,
  isInvoiceRefund,
  isSalesInvoice,
  isSalesPayment,
  mapCreditNoteRefund,
  mapCustomer,
  mapInvoice,
  mapPayment,
  parseReference,
  versionOf,
  xeroCalendarDate,
  xeroInstant,
} from "./mappers";
import { contactsEnvelope, contactSchema, creditNotesEnvelope, invoicesEnvelope, invoiceSchema, paymentsEnvelope, paymentSchema } from "./schemas";

const invoices = invoicesEnvelope.parse(invoicesJson).Invoices;
const payments = paymentsEnvelope.parse(paymentsJson).Payments;
const contacts = contactsEnvelope.parse(contactsJson).Contacts;
const invoice = (number: string) => invoices.find((i) => i.InvoiceNumber === number)!;

describe("mapInvoice on recorded invoices", () => {
  it("maps a partly paid USD invoice: minor units, calendar dates, memo, version, lines", () => {
    const mapped = mapInvoice(invoice("INV-01009"));
    expect(mapped).toMatchObject({
      externalId: "5b7f5b5a-8505-4c5a-8135-4b4f77894fe4",
      number: "INV-01009",
      customerExternalId: "f37353a6-db1a-4224-a7fa-84ae32e5e3cf",
      currency: "USD",
      totalMinor: 129151n,
      amountPaidMinor: 82656n,
      amountDueMinor: 46495n,
      status: "PARTIALLY_PAID",
      issueDate: "2026-02-05",
      dueDate: "2026-02-19",
      paidDate: null,
      memo: "PO 40642",
      crossReference: null,
      deleted: false,
      version: "001795260419850",
    });
    expect(mapped.updatedAt.toISOString()).toBe("2026-11-21T11:26:59.850Z");
    expect(mapped.lines).toEqual([{ description: "Shipping", quantity: "3", unitAmountMinor: 37435n, amountMinor: 112305n }]);
    expect(mapped.raw).toBe(invoice("INV-01009"));
  });

  it("maps an unpaid approved invoice to OPEN and an empty Reference to no memo", () => {
    expect(mapInvoice(invoice("INV-01003"))).toMatchObject({ status: "OPEN", totalMinor: 130700n, amountPaidMinor: 0n, amountDueMinor: 130700n, memo: null, crossReference: null });
  });

  it("maps a paid EUR invoice with FullyPaidOnDate and three lines", () => {
    const mapped = mapInvoice(invoice("INV-01012"));
    expect(mapped).toMatchObject({ status: "PAID", currency: "EUR", totalMinor: 1088313n, amountPaidMinor: 1088313n, amountDueMinor: 0n, paidDate: "2026-11-08", issueDate: "2026-10-18" });
    expect(mapped.lines.map((l) => l.amountMinor)).toEqual([639603n, 260884n, 45872n]);
  });

  it("maps VOIDED to VOID with nothing due, and keeps the record (not deleted)", () => {
    expect(mapInvoice(invoice("INV-01024"))).toMatchObject({ status: "VOID", deleted: false, totalMinor: 485635n, amountDueMinor: 0n, amountPaidMinor: 0n });
  });

  it("maps DRAFT, and SUBMITTED (awaiting approval in Xero, not yet owed), to DRAFT", () => {
    expect(mapInvoice(invoice("INV-01007")).status).toBe("DRAFT");
    expect(mapInvoice(invoice("INV-01078"))).toMatchObject({ status: "DRAFT", currency: "KWD", totalMinor: 2281540n });
  });

  it("reads three-decimal KWD amounts (Xero keeps 2 decimals) into fils", () => {
    const mapped = mapInvoice(invoice("INV-01017"));
    expect(mapped).toMatchObject({ totalMinor: 1257070n, amountPaidMinor: 527960n, amountDueMinor: 729110n, status: "PARTIALLY_PAID", dueDate: "2026-11-23" });
    expect(mapped.lines[0]).toEqual({ description: "Annual subscription", quantity: "2", unitAmountMinor: 446310n, amountMinor: 892620n });
  });

  it("reads whole JPY amounts as yen", () => {
    expect(mapInvoice(invoice("INV-01038"))).toMatchObject({ currency: "JPY", totalMinor: 8247n, amountPaidMinor: 2556n, amountDueMinor: 5691n });
  });

  it("refuses fractional yen (Xero keeps 2 decimals even for JPY) instead of rounding, naming the invoice", () => {
    const jpy = invoice("INV-01001");
    expect(jpy.Total).toBe(2343.7);
    expect(() => mapInvoice(jpy)).toThrow(MoneyError);
    expect(() => mapInvoice(jpy)).toThrow(/Xero invoice 91896c61-82f3-4f6f-a829-f834aa074203 AmountPaid: 2343.7 has more decimals than JPY/);
  });

  it("tells sales invoices from bills", () => {
    expect(isSalesInvoice(invoice("BILL-01011"))).toBe(false);
    expect(invoices.filter(isSalesInvoice)).toHaveLength(invoices.length - 1);
  });
});

const base = invoice("INV-01003");

describe("mapInvoice edge cases", () => {
  it("flags DELETED drafts as deleted and VOID", () => {
    expect(mapInvoice({ ...base, Status: "DELETED" })).toMatchObject({ deleted: true, status: "VOID" });
  });

  it("counts credit notes allocated (AmountCredited) as paid", () => {
    const mapped = mapInvoice({ ...base, Total: 100, AmountPaid: 0, AmountCredited: 30, AmountDue: 70 });
    expect(mapped).toMatchObject({ status: "PARTIALLY_PAID", amountPaidMinor: 3000n, amountDueMinor: 7000n, totalMinor: 10000n });
  });

  it("reads amounts sent as strings and the cross-reference with a memo after it", () => {
    const mapped = mapInvoice(invoiceSchema.parse({ ...base, Total: "50.00", AmountDue: "50.00", AmountPaid: "0", Reference: "concord:inv_42 PO 55" }));
    expect(mapped).toMatchObject({ totalMinor: 5000n, amountDueMinor: 5000n, crossReference: "inv_42", memo: "PO 55" });
  });

  it("maps an invoice without the optional fields", () => {
    const minimal = invoiceSchema.parse({
      InvoiceID: "00000000-0000-4000-8000-000000000001",
      Type: "ACCREC",
      Status: "AUTHORISED",
      CurrencyCode: "usd",
      Total: 10,
      AmountDue: 10,
      AmountPaid: 0,
      Date: "/Date(1771459200000+0000)/",
      UpdatedDateUTC: "/Date(1771459200123+0000)/",
    });
    expect(mapInvoice(minimal)).toMatchObject({
      number: null,
      customerExternalId: null,
      currency: "USD",
      issueDate: "2026-02-19",
      dueDate: null,
      paidDate: null,
      memo: null,
      crossReference: null,
      lines: [],
      version: "001771459200123",
    });
  });

  it("reads a JSON date with a non-zero offset as that zone's calendar day", () => {
    // Midnight on 19 Feb in UTC+13 is 11:00 on 18 Feb in UTC.
    const ms = Date.UTC(2026, 1, 18, 11);
    expect(xeroCalendarDate(`/Date(${ms}+1300)/`)).toBe("2026-02-19");
    expect(xeroCalendarDate(`/Date(${Date.UTC(2026, 1, 19)}+0000)/`)).toBe("2026-02-19");
    expect(xeroCalendarDate("2026-02-19T00:00:00")).toBe("2026-02-19");
    expect(() => xeroCalendarDate("2026-02-31")).toThrow();
  });

  it("reads instants as UTC, with or without a zone", () => {
    expect(xeroInstant("/Date(1795260419850+0000)/")).toBe(1795260419850);
    expect(xeroInstant("/Date(1795260419850+1300)/")).toBe(1795260419850);
    expect(xeroInstant("2026-11-21T11:26:59.850")).toBe(Date.UTC(2026, 10, 21, 11, 26, 59, 850));
    expect(xeroInstant("2026-11-21T11:26:59.850+01:00")).toBe(Date.UTC(2026, 10, 21, 10, 26, 59, 850));
  });

  it("refuses an unknown status", () => {
    expect(() => mapInvoice({ ...base, Status: "ARCHIVED" })).toThrow(/Unknown Xero invoice status/);
  });
});

describe("versions and references", () => {
  it("zero-pads versions so string order is time order", () => {
    const versions = [1795260419850, 999, 1_000, 17_952_604_198_500].map(versionOf);
    expect([...versions].sort()).toEqual([versionOf(999), versionOf(1_000), versionOf(1795260419850), versionOf(17_952_604_198_500)]);
    expect(versionOf(999)).toHaveLength(15);
  });

  it("writes and reads the cross-reference, keeping it whole when the memo is long", () => {
    expect(formatReference("inv_1", null)).toBe("concord:inv_1");
    expect(parseReference(formatReference("inv_1", "Thanks!"))).toEqual({ crossReference: "inv_1", memo: "Thanks!" });
    const long = formatReference("inv_2", "x".repeat(400));
    expect(long).toHaveLength(255);
    expect(parseReference(long).crossReference).toBe("inv_2");
    expect(parseReference("PO 1 concord:inv_3")).toEqual({ crossReference: "inv_3", memo: "PO 1" });
    expect(parseReference("notconcord:inv_4").crossReference).toBeNull();
  });
});

describe("mapPayment", () => {
  const payment = (id: string) => payments.find((p) => p.PaymentID.startsWith(id))!;

  it("maps a KWD payment on a sales invoice", () => {
    expect(mapPayment(payment("27505922"))).toMatchObject({
      kind: "PAYMENT",
      invoiceExternalIds: [invoice("INV-01017").InvoiceID],
      customerExternalId: "c34b2eaf-6f53-4807-94f3-ee0183654c17",
      currency: "KWD",
      amountMinor: 527960n,
      paidOn: "2026-10-16",
      deleted: false,
      version: "001795260419850",
    });
  });

  it("flags a deleted payment", () => {
    expect(mapPayment(payment("3ffdab4f"))).toMatchObject({ deleted: true, currency: "USD", amountMinor: 385600n, paidOn: "2026-03-17", version: "001795260419985" });
  });

  it("tells payments on bills apart", () => {
    expect(isSalesPayment(payment("dd2057a3"))).toBe(false);
    expect(isSalesPayment(payment("27505922"))).toBe(true);
  });

  it("refuses fractional yen and a payment whose currency is unknown", () => {
    expect(() => mapPayment(payment("5c9d807c"))).toThrow(MoneyError);
    const noCurrency = paymentSchema.parse({ ...payment("27505922"), Invoice: { InvoiceID: "x" } });
    expect(() => mapPayment(noCurrency)).toThrow(/does not say its invoice's currency/);
  });

  it("reads an amount sent as a string", () => {
    expect(mapPayment(paymentSchema.parse({ ...payment("3ffdab4f"), Amount: "12.30" })).amountMinor).toBe(1230n);
  });
});

describe("mapCreditNoteRefund", () => {
  const note = creditNotesEnvelope.parse(creditNotesJson).CreditNotes[0]!;
  const invoiceId = "99e0d152-0b6d-4bdd-b598-5df96cba51a5";

  it("maps a recorded credit note refunded in cash as a REFUND of the invoice its Reference names", () => {
    expect(isInvoiceRefund(note)).toBe(true);
    expect(mapCreditNoteRefund(note)).toEqual({
      externalId: "1becb562-2f21-4a3b-a3ab-291b21ae5a87",
      version: "001795277491085",
      updatedAt: new Date(1795277491085),
      deleted: false,
      raw: note,
      kind: "REFUND",
      invoiceExternalIds: [invoiceId],
      customerExternalId: "20dbba8a-77e6-4caa-8d39-aa10b7670649",
      currency: "EUR",
      amountMinor: 1250n,
      paidOn: "2026-03-21",
    });
  });

  it("counts only money refunded, dated by the latest refund, and maps no money out as deleted", () => {
    const payment = note.Payments![0]!;
    const twice = { ...note, Total: 40, Payments: [payment, { ...payment, PaymentID: "p-2", Amount: "7.25", Date: "/Date(1774137600000+0000)/" }] };
    expect(mapCreditNoteRefund(twice)).toMatchObject({ amountMinor: 1975n, paidOn: "2026-03-22", deleted: false });
    expect(mapCreditNoteRefund({ ...note, Status: "AUTHORISED", Payments: [] })).toMatchObject({ amountMinor: 0n, deleted: true, paidOn: "2026-03-20" });
    expect(mapCreditNoteRefund({ ...note, Payments: [{ ...payment, Status: "DELETED" }] })).toMatchObject({ amountMinor: 0n, deleted: true });
    expect(mapCreditNoteRefund({ ...note, Status: "VOIDED" }).deleted).toBe(true);
  });

  it("reads only sales credit notes that name an invoice as refunds", () => {
    expect(isInvoiceRefund({ ...note, Reference: "Goodwill credit" })).toBe(false);
    expect(isInvoiceRefund({ ...note, Reference: null })).toBe(false);
    expect(isInvoiceRefund({ ...note, Type: "ACCPAYCREDIT" })).toBe(false);
    expect(isInvoiceRefund({ ...note, Reference: `Customer asked (refund-of:${invoiceId})` })).toBe(true);
    expect(() => mapCreditNoteRefund({ ...note, Reference: "x" })).toThrow(MoneyError);
    // A refund payment read as a payment is never mistaken for a payment of an invoice.
    expect(isSalesPayment(paymentSchema.parse({ PaymentID: "p", Date: "2026-03-21", Amount: 1, Status: "AUTHORISED", PaymentType: "ARCREDITPAYMENT", UpdatedDateUTC: "2026-03-21", Invoice: { InvoiceID: note.CreditNoteID, Type: "ACCRECCREDIT" } }))).toBe(false);
    expect(isSalesPayment(paymentSchema.parse({ PaymentID: "p", Date: "2026-03-21", Amount: 1, Status: "AUTHORISED", UpdatedDateUTC: "2026-03-21" }))).toBe(false);
  });
});

describe("mapCustomer", () => {
  it("maps a recorded contact and one without email or currency", () => {
    expect(mapCustomer(contacts[0]!)).toMatchObject({ externalId: "400df10f-f54a-4ec0-bee6-e289094d9523", name: "Umbrella Consulting Pty Ltd", email: "billing1@umbrella.consulting.pty.ltd.test", currency: "USD", deleted: false });
    expect(mapCustomer(contacts.find((c) => c.Name === "Minimal Contact")!)).toMatchObject({ email: null, currency: null, version: "001795260420035" });
  });

  it("leaves supplier-only contacts out of customer lists, reading booleans sent as strings", () => {
    const supplier = contactSchema.parse({ ...contacts[0], IsSupplier: "true", IsCustomer: "false" });
    expect(isCustomerContact(supplier)).toBe(false);
    expect(isCustomerContact(contactSchema.parse({ ...contacts[0], IsSupplier: true, IsCustomer: true }))).toBe(true);
    expect(isCustomerContact(contacts.find((c) => c.Name === "Minimal Contact")!)).toBe(true);
  });

  it("keeps an archived contact (Xero never deletes contacts)", () => {
    expect(mapCustomer({ ...contacts[0]!, ContactStatus: "ARCHIVED" }).deleted).toBe(false);
  });
});
