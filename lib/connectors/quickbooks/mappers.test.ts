/**
 * The pure parts of the QuickBooks connector on recorded sandbox JSON (fixtures/, from
 * fixtures/record.ts) and hand-written edge cases: mappers, the CDC cursor, write helpers and
 * Fault classification.
 */
import { describe, expect, it } from "vitest";
import { MoneyError } from "../../normalize/money";
import cdc from "./fixtures/cdc.json";
import customerJpyJson from "./fixtures/customer-jpy.json";
import customerJson from "./fixtures/customer.json";
import invoiceJpy from "./fixtures/invoice-jpy.json";
import invoiceOpen from "./fixtures/invoice-open.json";
import invoicePaid from "./fixtures/invoice-paid.json";
import invoicePartial from "./fixtures/invoice-partially-paid.json";
import invoiceVoided from "./fixtures/invoice-voided.json";
import paymentJson from "./fixtures/payment.json";
import refundReceiptJson from "./fixtures/refund-receipt.json";
import { advance, CDC_MAX_OBJECTS, cdcRequests, formatCursor, OVERLAP_MS, parseCursor } from "./cursor";
import {
  crossReferenceOf,
  DELETED_VERSION,
  deletedCustomer,
  deletedInvoice,
  deletedPayment,
  deletedRefundReceipt,
  invoiceStatus,
  isDeletedStub,
  parseQboTime,
  toCustomer,
  toInvoice,
  toPayment,
  toRefundReceipt,
  unitPriceMinor,
  versionOf,
} from "./mappers";
import { faultError } from "./request";
import { DEFAULT_ITEM, invoiceBody, lineAmountMinor, queryLiteral, requestIdFor, wireAmount } from "./writes";

const UPDATED = new Date("2026-11-21T11:26:05.000Z"); // 03:26:05-08:00, as the sandbox company (US Pacific) wrote it

/** A minimal invoice in QuickBooks' shape for hand-written cases. */
function invoiceJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    Id: "41",
    SyncToken: "3",
    MetaData: { CreateTime: "2026-02-01T09:00:00-08:00", LastUpdatedTime: "2026-02-03T10:11:12-08:00" },
    DocNumber: "1041",
    TxnDate: "2026-02-01",
    DueDate: "2026-03-03",
    CustomerRef: { value: "12", name: "Globex" },
    CurrencyRef: { value: "USD", name: "United States Dollar" },
    TotalAmt: 100,
    Balance: 100,
    Line: [{ Id: "1", Amount: 100, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 1, UnitPrice: 100 } }],
    ...overrides,
  };
}

describe("invoices recorded from the sandbox", () => {
  it("maps an open invoice with its lines, dates, memo and cross-reference", () => {
    const invoice = toInvoice(invoiceOpen);
    expect(invoice).toEqual({
      externalId: "1",
      version: "000000000000",
      updatedAt: UPDATED,
      deleted: false,
      raw: invoiceOpen,
      number: "INV-1001",
      customerExternalId: "1",
      currency: "USD",
      totalMinor: 16999n,
      amountPaidMinor: 0n,
      amountDueMinor: 16999n,
      status: "OPEN",
      issueDate: "2026-03-02",
      dueDate: "2026-04-01",
      paidDate: null,
      memo: "Thank you for your business.",
      crossReference: "cm8x1q2w30000abcd",
      lines: [
        { description: "Consulting hours", quantity: "2", unitAmountMinor: 7500n, amountMinor: 15000n },
        { description: "Setup fee", quantity: "1", unitAmountMinor: 1999n, amountMinor: 1999n },
      ],
    });
  });

  it("maps a partial payment: paid is TotalAmt − Balance", () => {
    const invoice = toInvoice(invoicePartial);
    expect(invoice).toMatchObject({ externalId: "2", version: "000000000001", totalMinor: 20000n, amountDueMinor: 11950n, amountPaidMinor: 8050n, status: "PARTIALLY_PAID", crossReference: null, memo: null });
  });

  it("maps Balance 0 as PAID", () => {
    expect(toInvoice(invoicePaid)).toMatchObject({ totalMinor: 9995n, amountDueMinor: 0n, amountPaidMinor: 9995n, status: "PAID" });
  });

  it("maps a voided invoice as VOID with zero amounts and keeps the cross-reference after 'Voided - '", () => {
    const invoice = toInvoice(invoiceVoided);
    expect(invoice).toMatchObject({ status: "VOID", totalMinor: 0n, amountDueMinor: 0n, amountPaidMinor: 0n, crossReference: "cm8x1q2w30001void", version: "000000000001" });
    expect(invoice.lines).toEqual([{ description: "Hardware", quantity: "1", unitAmountMinor: 0n, amountMinor: 0n }]);
  });

  it("maps a zero-decimal currency (JPY) without scaling by 100", () => {
    const invoice = toInvoice(invoiceJpy);
    expect(invoice).toMatchObject({ currency: "JPY", totalMinor: 4500n, amountDueMinor: 4500n, status: "OPEN" });
    expect(invoice.lines).toEqual([{ description: "License seat", quantity: "3", unitAmountMinor: 1500n, amountMinor: 4500n }]);
  });
});

describe("invoice edge cases", () => {
  it("reads a three-decimal currency (KWD) exactly", () => {
    const invoice = toInvoice(
      invoiceJson({
        CurrencyRef: { value: "KWD" },
        TotalAmt: 12.345,
        Balance: "2.345",
        Line: [{ Amount: 12.345, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { Qty: 3, UnitPrice: 4.115 } }],
      }),
    );
    expect(invoice).toMatchObject({ currency: "KWD", totalMinor: 12345n, amountDueMinor: 2345n, amountPaidMinor: 10000n, status: "PARTIALLY_PAID" });
    expect(invoice.lines).toEqual([{ description: "", quantity: "3", unitAmountMinor: 4115n, amountMinor: 12345n }]);
  });

  it("refuses an amount with more decimals than its currency instead of rounding it", () => {
    expect(() => toInvoice(invoiceJson({ CurrencyRef: { value: "JPY" }, TotalAmt: 100.5, Balance: 100.5 }))).toThrow(MoneyError);
  });

  it("maps missing optional fields to null and takes the home currency only when CurrencyRef is absent", () => {
    const bare = invoiceJson({ DocNumber: undefined, DueDate: undefined, TxnDate: undefined, CustomerRef: undefined, CurrencyRef: undefined, Line: undefined, PrivateNote: undefined });
    expect(() => toInvoice(bare)).toThrow(MoneyError);
    expect(toInvoice(bare, { homeCurrency: "GBP" })).toMatchObject({ number: null, dueDate: null, issueDate: null, customerExternalId: null, currency: "GBP", lines: [], crossReference: null });
    expect(toInvoice(invoiceJson(), { homeCurrency: "GBP" }).currency).toBe("USD");
  });

  it("keeps an unvoided zero invoice OPEN, and a note saying Voided on a live invoice is not a void", () => {
    expect(toInvoice(invoiceJson({ TotalAmt: 0, Balance: 0, Line: [] })).status).toBe("OPEN");
    expect(toInvoice(invoiceJson({ PrivateNote: "Voided cheque attached" })).status).toBe("OPEN");
  });

  it("accepts numeric strings, an offset on dates, and rounds only sub-cent unit prices", () => {
    const invoice = toInvoice(
      invoiceJson({
        TxnDate: "2026-02-01-08:00",
        TotalAmt: "1.00",
        Balance: "0",
        Line: [
          { Amount: "1.00", DetailType: "SalesItemLineDetail", Description: "Thirds", SalesItemLineDetail: { Qty: 3, UnitPrice: 0.3333 } },
          { Amount: 1, DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} },
          { DetailType: "DescriptionOnly", Description: "Thanks" },
        ],
      }),
    );
    expect(invoice).toMatchObject({ issueDate: "2026-02-01", totalMinor: 100n, amountDueMinor: 0n, status: "PAID" });
    expect(invoice.lines).toEqual([{ description: "Thirds", quantity: "3", unitAmountMinor: 33n, amountMinor: 100n }]);
    expect(unitPriceMinor(0.335, "USD")).toBe(34n);
    expect(unitPriceMinor("-0.335", "USD")).toBe(-34n);
  });

  it("maps a discount as a negative line so lines add up to the total", () => {
    const invoice = toInvoice(
      invoiceJson({
        TotalAmt: 90,
        Balance: 90,
        Line: [
          { Amount: 100, DetailType: "SalesItemLineDetail", SalesItemLineDetail: { Qty: 1, UnitPrice: 100 } },
          { Amount: 100, DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} },
          { Amount: 10, DetailType: "DiscountLineDetail", DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } },
        ],
      }),
    );
    expect(invoice.lines.map((l) => l.amountMinor)).toEqual([10000n, -1000n]);
    expect(invoice.lines.reduce((sum, l) => sum + l.amountMinor, 0n)).toBe(invoice.totalMinor);
  });

  it("refuses a payload that is not an invoice", () => {
    expect(() => toInvoice({ Id: "1" })).toThrow();
    expect(() => toInvoice(invoiceJson({ MetaData: { LastUpdatedTime: "yesterday" } }))).toThrow();
  });
});

describe("payments and customers", () => {
  it("maps a recorded payment with its invoice link and date", () => {
    expect(toPayment(paymentJson)).toEqual({
      externalId: "3",
      version: "000000000000",
      updatedAt: UPDATED,
      deleted: false,
      raw: paymentJson,
      kind: "PAYMENT",
      invoiceExternalIds: ["2"],
      customerExternalId: "1",
      currency: "USD",
      amountMinor: 8050n,
      paidOn: "2026-03-10",
    });
  });

  it("maps a payment applied to several invoices, and an unapplied one", () => {
    const payment = toPayment({
      ...paymentJson,
      TotalAmt: 300,
      Line: [
        { Amount: 100, LinkedTxn: [{ TxnId: "2", TxnType: "Invoice" }] },
        { Amount: 150, LinkedTxn: [{ TxnId: "9", TxnType: "Invoice" }] },
        { Amount: 50, LinkedTxn: [{ TxnId: "77", TxnType: "CreditMemo" }] },
      ],
    });
    expect(payment.invoiceExternalIds).toEqual(["2", "9"]);
    expect(payment.amountMinor).toBe(30000n);
    expect(toPayment({ ...paymentJson, Line: [] }).invoiceExternalIds).toEqual([]);
  });

  it("maps recorded customers, with and without an email", () => {
    expect(toCustomer(customerJson)).toEqual({ externalId: "1", version: "000000000000", updatedAt: UPDATED, deleted: false, raw: customerJson, name: "Acme Trading Inc.", email: "billing@acme.test", currency: "USD" });
    expect(toCustomer(customerJpyJson)).toMatchObject({ name: "Nakatomi Trading", email: null, currency: "JPY" });
  });

  it("reads an inactive customer (QuickBooks' delete) as deleted", () => {
    expect(toCustomer({ ...customerJson, Active: false, SyncToken: "4" })).toMatchObject({ deleted: true, version: "000000000004" });
  });
});

describe("refund receipts", () => {
  const updated = new Date(refundReceiptJson.MetaData.LastUpdatedTime);

  it("maps a recorded refund receipt as a REFUND of the invoice its refund-of note names", () => {
    expect(toRefundReceipt(refundReceiptJson)).toEqual({
      externalId: "3",
      version: "000000000000",
      updatedAt: updated,
      deleted: false,
      raw: refundReceiptJson,
      kind: "REFUND",
      invoiceExternalIds: ["1"],
      customerExternalId: "1",
      currency: "USD",
      amountMinor: 3000n,
      paidOn: "2026-03-12",
    });
  });

  it("finds the note after QuickBooks' void prefix, reads a voided one as zero money, and leaves out cash-sale refunds", () => {
    const voided = toRefundReceipt({ ...refundReceiptJson, TotalAmt: 0, SyncToken: "1", PrivateNote: `Voided - ${refundReceiptJson.PrivateNote}` });
    expect(voided).toMatchObject({ invoiceExternalIds: ["1"], amountMinor: 0n, deleted: false, version: "000000000001" });
    expect(toRefundReceipt({ ...refundReceiptJson, PrivateNote: "Returned the blue widget" })).toBeNull();
    expect(toRefundReceipt({ ...refundReceiptJson, PrivateNote: undefined })).toBeNull();
    expect(toRefundReceipt({ ...refundReceiptJson, CurrencyRef: undefined }, { homeCurrency: "CAD" })?.currency).toBe("CAD");
    expect(() => toRefundReceipt({ ...refundReceiptJson, TotalAmt: "12.345" })).toThrow(MoneyError);
  });

  it("maps a deleted refund receipt as a deleted REFUND", () => {
    const stub = { status: "Deleted", domain: "QBO", Id: "14", MetaData: { LastUpdatedTime: "2026-03-08T23:30:00-08:00" } };
    expect(deletedRefundReceipt(stub)).toMatchObject({ externalId: "14", kind: "REFUND", deleted: true, version: DELETED_VERSION, invoiceExternalIds: [] });
  });
});

describe("CDC answers", () => {
  const parts = cdc.CDCResponse[0]!.QueryResponse;
  const invoices = parts.flatMap((p) => ("Invoice" in p ? p.Invoice : []));

  it("maps live entities and turns the deleted stub into a deleted record that outranks every version", () => {
    const mapped = invoices.map((json) => (isDeletedStub(json) ? deletedInvoice(json) : toInvoice(json)));
    const deleted = mapped.filter((i) => i.deleted);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ externalId: "8", version: DELETED_VERSION, currency: "XXX", totalMinor: 0n, lines: [], updatedAt: UPDATED });
    expect(mapped.filter((i) => !i.deleted).map((i) => i.status)).toEqual(["OPEN", "PARTIALLY_PAID", "PAID", "VOID", "OPEN"]);
    expect(DELETED_VERSION > versionOf("999999")).toBe(true);
  });

  it("maps deleted payments and customers with minimal fields", () => {
    const stub = { status: "Deleted", domain: "QBO", Id: "12", MetaData: { LastUpdatedTime: "2026-03-08T23:30:00-08:00" } };
    expect(deletedPayment(stub)).toMatchObject({ externalId: "12", deleted: true, amountMinor: 0n, invoiceExternalIds: [], paidOn: "2026-03-08", version: DELETED_VERSION });
    expect(deletedCustomer(stub)).toMatchObject({ externalId: "12", deleted: true, name: "", email: null, currency: null });
    expect(isDeletedStub(invoices[0])).toBe(false);
  });
});

describe("small rules", () => {
  it("finds the cross-reference anywhere in a free-text note, and only as a whole token", () => {
    expect(crossReferenceOf("concord:abc123")).toBe("abc123");
    expect(crossReferenceOf("Voided - concord:cm8x_1-z")).toBe("cm8x_1-z");
    expect(crossReferenceOf("Per call with Ann (concord:xyz), net 30")).toBe("xyz");
    expect(crossReferenceOf("notconcord:abc")).toBeNull();
    expect(crossReferenceOf("concord:")).toBeNull();
    expect(crossReferenceOf(undefined)).toBeNull();
  });

  it("derives statuses from total, balance and the void mark", () => {
    expect(invoiceStatus(1000n, 1000n, false)).toBe("OPEN");
    expect(invoiceStatus(1000n, 1n, false)).toBe("PARTIALLY_PAID");
    expect(invoiceStatus(1000n, 0n, false)).toBe("PAID");
    expect(invoiceStatus(0n, 0n, true)).toBe("VOID");
    expect(invoiceStatus(0n, 0n, false)).toBe("OPEN");
  });

  it("pads SyncTokens so string order is numeric order", () => {
    expect(versionOf("9") < versionOf("10")).toBe(true);
    expect(versionOf("10")).toBe("000000000010");
  });

  it("parses QuickBooks times: offsets with and without a colon, and nanoseconds", () => {
    expect(parseQboTime("2015-10-05T14:42:19-0700").toISOString()).toBe("2015-10-05T21:42:19.000Z");
    expect(parseQboTime("2015-12-23T12:56:06.196-08:00").toISOString()).toBe("2015-12-23T20:56:06.196Z");
    expect(parseQboTime("2025-09-10T21:31:25.179851517Z").toISOString()).toBe("2025-09-10T21:31:25.179Z");
    expect(() => parseQboTime("2015-10-05")).toThrow(RangeError);
  });
});

describe("the CDC cursor", () => {
  const t = Date.parse("2026-03-01T10:00:00Z");

  it("is one ISO time normally and one per entity once they differ", () => {
    expect(formatCursor(parseCursor("2026-03-01T10:00:00Z"))).toBe("2026-03-01T10:00:00Z");
    const split = formatCursor({ Invoice: t + 60_000, Payment: t, Customer: t, RefundReceipt: t + 120_000 });
    expect(split).toBe("Invoice=2026-03-01T10:01:00Z&Payment=2026-03-01T10:00:00Z&Customer=2026-03-01T10:00:00Z&RefundReceipt=2026-03-01T10:02:00Z");
    expect(parseCursor(split)).toEqual({ Invoice: t + 60_000, Payment: t, Customer: t, RefundReceipt: t + 120_000 });
    expect(cdcRequests(parseCursor(split))).toEqual([
      { since: "2026-03-01T10:01:00Z", entities: ["Invoice"] },
      { since: "2026-03-01T10:00:00Z", entities: ["Payment", "Customer"] },
      { since: "2026-03-01T10:02:00Z", entities: ["RefundReceipt"] },
    ]);
    expect(cdcRequests(parseCursor("2026-03-01T10:00:00Z"))).toEqual([{ since: "2026-03-01T10:00:00Z", entities: ["Invoice", "Payment", "Customer", "RefundReceipt"] }]);
    // A cursor saved before refund receipts were read: they start where the payments are.
    expect(parseCursor("Invoice=2026-03-01T10:01:00Z&Payment=2026-03-01T10:00:00Z&Customer=2026-03-01T10:00:00Z")).toEqual({ Invoice: t + 60_000, Payment: t, Customer: t, RefundReceipt: t });
    expect(() => parseCursor("last tuesday")).toThrow(RangeError);
  });

  it("moves to the server time less the overlap when the answer was complete", () => {
    const step = advance({ entities: ["Invoice", "Payment", "Customer"], since: t, serverTime: t + 600_000, seen: { Invoice: [t + 1000] } });
    expect(step).toEqual({ capped: false, next: { Invoice: t + 600_000 - OVERLAP_MS, Payment: t + 600_000 - OVERLAP_MS, Customer: t + 600_000 - OVERLAP_MS } });
  });

  it("at the 1000-object cap moves each entity only as far as it was delivered", () => {
    const invoices = Array.from({ length: CDC_MAX_OBJECTS }, (_, i) => t + i * 1000);
    const step = advance({ entities: ["Invoice", "Payment", "Customer"], since: t, serverTime: t + 5_000_000, seen: { Invoice: invoices } });
    expect(step.capped).toBe(true);
    expect(step.next).toEqual({ Invoice: t + 999_000, Payment: t, Customer: t });
  });

  it("never asks for the same capped answer twice", () => {
    const sameSecond = Array.from({ length: CDC_MAX_OBJECTS }, () => t);
    expect(advance({ entities: ["Invoice"], since: t, serverTime: t + 10_000, seen: { Invoice: sameSecond } }).next).toEqual({ Invoice: t + 1000 });
  });
});

describe("write helpers", () => {
  it("computes line amounts as QuickBooks checks them (half away from zero)", () => {
    expect(lineAmountMinor("2", 1250n)).toBe(2500n);
    expect(lineAmountMinor("1.5", 333n)).toBe(500n); // 4.995 → 5.00
    expect(lineAmountMinor("0.333", 100n)).toBe(33n);
    expect(lineAmountMinor("3", -333n)).toBe(-999n);
    expect(() => lineAmountMinor("two", 1n)).toThrow(MoneyError);
  });

  it("sends amounts as exact JSON numbers in the currency's decimals", () => {
    expect(wireAmount(1999n, "USD")).toBe(19.99);
    expect(wireAmount(1500n, "JPY")).toBe(1500);
    expect(wireAmount(12345n, "KWD")).toBe(12.345);
    expect(() => wireAmount(2n ** 62n, "USD")).toThrow(MoneyError);
  });

  it("keeps short idempotency keys and hashes long ones to a stable 43-character requestid", () => {
    expect(requestIdFor("push:inv_1:v3:quickbooks")).toBe("push:inv_1:v3:quickbooks");
    const long = `push:${"x".repeat(60)}`;
    expect(requestIdFor(long)).toHaveLength(43);
    expect(requestIdFor(long)).toBe(requestIdFor(long));
    expect(requestIdFor(`${long}y`)).not.toBe(requestIdFor(long));
    expect(requestIdFor("has space")).toHaveLength(43);
  });

  it("escapes query literals", () => {
    expect(queryLiteral("O'Brien \\ Sons")).toBe("'O\\'Brien \\\\ Sons'");
  });

  it("builds the invoice body with the cross-reference, default item and exact amounts", () => {
    const body = invoiceBody(
      {
        concordId: "cinv_1",
        number: "C-7",
        customer: { externalId: null, name: "Globex", email: "ap@globex.test" },
        currency: "usd",
        issueDate: "2026-03-01",
        dueDate: null,
        memo: "Thanks",
        lines: [{ description: "Work", quantity: "1.5", unitAmountMinor: 333n }],
      },
      "12",
    );
    expect(body).toEqual({
      CustomerRef: { value: "12" },
      CurrencyRef: { value: "USD" },
      PrivateNote: "concord:cinv_1",
      DocNumber: "C-7",
      TxnDate: "2026-03-01",
      CustomerMemo: { value: "Thanks" },
      BillEmail: { Address: "ap@globex.test" },
      Line: [{ DetailType: "SalesItemLineDetail", Description: "Work", Amount: 5, SalesItemLineDetail: { ItemRef: DEFAULT_ITEM, Qty: 1.5, UnitPrice: 3.33 } }],
    });
  });
});

describe("Fault classification", () => {
  const fault = (code: string, type = "ValidationFault") => JSON.stringify({ Fault: { Error: [{ Message: "m", Detail: "d", code }], type }, time: "2026-03-01T10:00:00.000-08:00" });
  const none = new Headers();

  it("classifies by status and QuickBooks error code", () => {
    const gateway401 = JSON.stringify({ fault: { error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: "Token expired", code: "3200" }], type: "AUTHENTICATION" } });
    expect(faultError(401, gateway401, none)).toMatchObject({ kind: "unauthorized", details: { status: 401, code: "3200" } });
    expect(faultError(403, JSON.stringify({ fault: { error: [{ message: "x", code: "3100" }], type: "SERVICE" } }), none).kind).toBe("forbidden");
    expect(faultError(429, fault("3001", "SERVICE"), new Headers({ "retry-after": "7" }))).toMatchObject({ kind: "rate_limited", details: { retryAfterSeconds: 7 } });
    expect(faultError(429, "", none).details.retryAfterSeconds).toBe(60); // Intuit: wait 60 s
    expect(faultError(400, fault("5010"), none).kind).toBe("stale");
    expect(faultError(400, fault("610"), none).kind).toBe("not_found");
    expect(faultError(400, fault("6240"), none).kind).toBe("conflict");
    expect(faultError(400, fault("6140"), none).kind).toBe("conflict");
    expect(faultError(400, fault("2020"), none)).toMatchObject({ kind: "invalid", transient: false });
    expect(faultError(500, fault("10000", "SystemFault"), none)).toMatchObject({ kind: "server", transient: true });
    expect(faultError(413, "<html>Request Entity Too Large</html>", none).kind).toBe("invalid");
  });
});
