/**
 * The pure mappers on recorded sandbox JSON (fixtures/, recorded by fixtures/record.ts) and on
 * hand-written edge cases: statuses incl. partial payment and void, zero- and three-decimal
 * currencies, fractional unit amounts, missing optional fields, deletions, stripe-node's Decimal
 * objects, the version order and the Event facts.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors";
import { eventFact, eventStamp, fetchedStamp, invoiceStatus, toCreditNoteRefund, toCustomer, toInvoice, toInvoicePayment, toLine, toRefund, utcDate } from "./mappers";
import { creditNoteSchema, customerSchema, eventSchema, invoicePaymentSchema, invoiceSchema, lineSchema, listSchema, parse, refundSchema } from "./schemas";
import creditNoteJson from "./fixtures/credit-note-out-of-band.json";
import customerDeletedJson from "./fixtures/customer-deleted.json";
import customerJson from "./fixtures/customer.json";
import eventsJson from "./fixtures/events.json";
import draftJson from "./fixtures/invoice-draft.json";
import jpyJson from "./fixtures/invoice-jpy.json";
import kwdJson from "./fixtures/invoice-kwd.json";
import linesPageJson from "./fixtures/invoice-lines-page.json";
import manyLinesJson from "./fixtures/invoice-many-lines.json";
import openJson from "./fixtures/invoice-open.json";
import paidJson from "./fixtures/invoice-paid.json";
import partialJson from "./fixtures/invoice-partially-paid.json";
import paymentOpenJson from "./fixtures/invoice-payment-open.json";
import paymentPaidJson from "./fixtures/invoice-payment-paid.json";
import voidJson from "./fixtures/invoice-void.json";
import refundJson from "./fixtures/refund.json";

const stamp = fetchedStamp(1_795_300_000);
const invoice = (json: unknown) => toInvoice(parse(invoiceSchema, json, "fixture"), stamp);

describe("invoices", () => {
  it("maps an open invoice: minor units, UTC dates, cross-reference, lines", () => {
    const inv = invoice(openJson);
    expect(inv).toMatchObject({
      externalId: "in_H1hagnnUGocWnuQQJT1O1zMz",
      version: "001795300000.1",
      deleted: false,
      number: "6IIQTZQ2-0001",
      customerExternalId: "cus_WLEEqjG0eHHVLH",
      currency: "USD",
      totalMinor: 17502n,
      amountPaidMinor: 0n,
      amountDueMinor: 17502n,
      status: "OPEN",
      issueDate: "2026-11-21",
      dueDate: "2026-12-21",
      paidDate: null,
      memo: "March retainer",
      crossReference: "inv_concord_1",
    });
    expect(inv.updatedAt).toEqual(new Date(1_795_300_000_000));
    // 3 × 2500.5 cents is 7501.5, which Stripe rounds to 7502; the unit price rounds to 2501.
    expect(inv.lines).toEqual([
      { description: "Service at 10000", quantity: "1", unitAmountMinor: 10000n, amountMinor: 10000n },
      { description: "Service at 2500.5", quantity: "3", unitAmountMinor: 2501n, amountMinor: 7502n },
    ]);
    expect(inv.raw).toMatchObject({ id: inv.externalId, hosted_invoice_url: expect.stringContaining("invoice.stripe.com") });
  });

  it("maps an open invoice with a payment as PARTIALLY_PAID, and amount due as what remains", () => {
    expect(invoice(partialJson)).toMatchObject({ status: "PARTIALLY_PAID", totalMinor: 17502n, amountPaidMinor: 4000n, amountDueMinor: 13502n, paidDate: null });
  });

  it("maps paid, void and draft invoices", () => {
    expect(invoice(paidJson)).toMatchObject({ status: "PAID", currency: "EUR", totalMinor: 4200n, amountPaidMinor: 4200n, amountDueMinor: 0n, paidDate: "2026-11-21", crossReference: null });
    expect(invoice(voidJson)).toMatchObject({ status: "VOID", totalMinor: 999n, paidDate: null });
    // A draft has no number and was never finalized: its issue date is its creation.
    expect(invoice(draftJson)).toMatchObject({ status: "DRAFT", number: null, issueDate: "2026-11-21", crossReference: "inv_concord_draft", totalMinor: 3000n });
  });

  it("keeps zero-decimal (JPY) and three-decimal (KWD) amounts as Stripe's minor units", () => {
    const jpy = invoice(jpyJson);
    expect(jpy).toMatchObject({ currency: "JPY", totalMinor: 3600n, amountDueMinor: 3600n });
    expect(jpy.lines).toEqual([{ description: "Service at 1200", quantity: "3", unitAmountMinor: 1200n, amountMinor: 3600n }]);
    const kwd = invoice(kwdJson);
    expect(kwd).toMatchObject({ currency: "KWD", totalMinor: 24690n }); // 24.690 KWD
    expect(kwd.lines[0]).toMatchObject({ unitAmountMinor: 12345n, amountMinor: 24690n });
  });

  it("takes all lines when given, and keeps them in raw", () => {
    const inv = parse(invoiceSchema, manyLinesJson, "fixture");
    expect(inv.lines.has_more).toBe(true);
    expect(inv.lines.data).toHaveLength(10);
    const rest = parse(listSchema(lineSchema), linesPageJson, "fixture").data;
    const mapped = toInvoice(inv, stamp, { lines: [...inv.lines.data, ...rest] });
    expect(mapped.lines).toHaveLength(12);
    expect(mapped.lines.reduce((sum, l) => sum + l.amountMinor, 0n)).toBe(mapped.totalMinor);
    expect((mapped.raw as { lines: { data: unknown[]; has_more: boolean } }).lines).toMatchObject({ has_more: false, data: expect.any(Array) });
    expect((mapped.raw as { lines: { data: unknown[] } }).lines.data).toHaveLength(12);
  });

  it("reads an invoice with only the required fields (older objects, other API versions)", () => {
    const minimal = {
      id: "in_min",
      object: "invoice",
      status: "open",
      currency: "gbp",
      customer: { id: "cus_expanded", object: "customer" },
      total: 500,
      amount_due: 500,
      amount_paid: 0,
      amount_remaining: 500,
      created: 1_767_225_599, // 2025-12-31T23:59:59Z
      lines: { object: "list", data: [{ id: "il_1", amount: 500, currency: "gbp" }], has_more: false },
    };
    expect(invoice(minimal)).toMatchObject({
      number: null,
      customerExternalId: "cus_expanded",
      currency: "GBP",
      issueDate: "2025-12-31",
      dueDate: null,
      paidDate: null,
      memo: null,
      crossReference: null,
      lines: [{ description: "", quantity: "1", unitAmountMinor: 500n, amountMinor: 500n }],
    });
  });

  it("refuses an invoice of a shape it does not know, as Stripe's answer being wrong", () => {
    const error = (() => {
      try {
        return parse(invoiceSchema, { ...openJson, status: "pending" }, "invoice in_x");
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "server", message: expect.stringContaining("invoice in_x") });
  });

  it("derives the canonical status from status and amounts", () => {
    expect(invoiceStatus({ status: "open", amount_paid: 0, amount_remaining: 100 })).toBe("OPEN");
    expect(invoiceStatus({ status: "open", amount_paid: 1, amount_remaining: 99 })).toBe("PARTIALLY_PAID");
    // An uncollectible invoice stays uncollectible even when part of it was paid.
    expect(invoiceStatus({ status: "uncollectible", amount_paid: 1, amount_remaining: 99 })).toBe("UNCOLLECTIBLE");
    expect(invoiceStatus({ status: "paid", amount_paid: 100, amount_remaining: 0 })).toBe("PAID");
  });
});

describe("lines", () => {
  it("rounds fractional unit amounts half away from zero, never the line amount", () => {
    const line = (pricing: string | null, amount: number, quantity: number | null, quantity_decimal?: string) => toLine(parse(lineSchema, { id: "il", amount, currency: "usd", quantity, quantity_decimal, pricing: pricing === null ? null : { unit_amount_decimal: pricing } }, "line"));
    expect(line("0.5", 1, 2)).toMatchObject({ unitAmountMinor: 1n, amountMinor: 1n });
    expect(line("-2500.5", -7502, 3)).toMatchObject({ unitAmountMinor: -2501n, amountMinor: -7502n });
    expect(line("1999.499999999999", 1999, 1)).toMatchObject({ unitAmountMinor: 1999n });
    // No pricing details: amount / quantity.
    expect(line(null, 1000, 4)).toMatchObject({ unitAmountMinor: 250n, quantity: "4" });
    expect(line(null, 1000, 3)).toMatchObject({ unitAmountMinor: 333n });
    expect(line(null, 1500, null, "1.5")).toMatchObject({ unitAmountMinor: 1000n, quantity: "1.5" });
    expect(line(null, 0, 0)).toMatchObject({ unitAmountMinor: 0n, quantity: "0" });
  });

  it("accepts stripe-node's Decimal objects where API answers carry decimals", () => {
    const parsed = parse(lineSchema, { id: "il", amount: 7502, currency: "usd", quantity: 3, quantity_decimal: Stripe.Decimal.from("3"), pricing: { unit_amount_decimal: Stripe.Decimal.from("2500.5") } }, "line");
    expect(parsed.quantity_decimal).toBe("3");
    expect(toLine(parsed)).toEqual({ description: "", quantity: "3", unitAmountMinor: 2501n, amountMinor: 7502n });
  });
});

describe("payments", () => {
  it("maps a paid InvoicePayment, and an open one as no payment", () => {
    const paid = toInvoicePayment(parse(invoicePaymentSchema, paymentPaidJson, "fixture"), stamp);
    expect(paid).toMatchObject({
      externalId: "inpay_ABqnrB7Y58K4Tyq5xpDHNCCP",
      kind: "PAYMENT",
      deleted: false,
      invoiceExternalIds: ["in_H1hagnnUGocWnuQQJT1O1zMz"],
      customerExternalId: null,
      currency: "USD",
      amountMinor: 4000n,
      paidOn: "2026-11-21",
    });
    const open = toInvoicePayment(parse(invoicePaymentSchema, paymentOpenJson, "fixture"), stamp);
    expect(open).toMatchObject({ deleted: true, amountMinor: 13502n });
  });

  it("maps a refund with the invoices it came from; a failed refund is no refund", () => {
    const refund = parse(refundSchema, refundJson, "fixture");
    expect(toRefund(refund, ["in_paid"], stamp)).toMatchObject({
      externalId: "re_bkd5Ja4KiBIgpOMFmZBUYejo",
      kind: "REFUND",
      deleted: false,
      invoiceExternalIds: ["in_paid"],
      customerExternalId: "cus_WLEEqjG0eHHVLH",
      currency: "EUR",
      amountMinor: 1200n,
      paidOn: "2026-11-21",
    });
    expect(toRefund({ ...refund, status: "failed" }, ["in_paid"], stamp).deleted).toBe(true);
    expect(toRefund({ ...refund, customer: null }, [], stamp).customerExternalId).toBeNull();
  });
});

describe("credit notes", () => {
  const note = parse(creditNoteSchema, creditNoteJson, "fixture");

  it("maps money returned outside Stripe as a REFUND of the invoice, dated by effective_at", () => {
    expect(toCreditNoteRefund(note, stamp)).toMatchObject({
      externalId: creditNoteJson.id,
      kind: "REFUND",
      deleted: false,
      invoiceExternalIds: [creditNoteJson.invoice],
      customerExternalId: creditNoteJson.customer,
      currency: "EUR",
      amountMinor: 1000n,
      paidOn: utcDate(creditNoteJson.effective_at),
      version: stamp.version,
    });
    expect(toCreditNoteRefund({ ...note, effective_at: null }, stamp)?.paidOn).toBe(utcDate(creditNoteJson.created));
  });

  it("reads only the out-of-band part, maps a void one as deleted, and no out-of-band money as no refund", () => {
    expect(toCreditNoteRefund({ ...note, amount: 3000, out_of_band_amount: 1000 }, stamp)?.amountMinor).toBe(1000n);
    expect(toCreditNoteRefund({ ...note, status: "void" }, stamp)?.deleted).toBe(true);
    expect(toCreditNoteRefund({ ...note, out_of_band_amount: null }, stamp)).toBeNull();
    expect(toCreditNoteRefund({ ...note, out_of_band_amount: 0 }, stamp)).toBeNull();
    expect(() => parse(creditNoteSchema, { ...creditNoteJson, out_of_band_amount: "10" }, "fixture")).toThrow(ProviderError);
  });
});

describe("customers", () => {
  it("maps a customer, one without a name, and a deleted one", () => {
    expect(toCustomer(parse(customerSchema, customerJson, "fixture"), stamp)).toMatchObject({ externalId: "cus_WLEEqjG0eHHVLH", name: "Globex Corporation", email: "ap@globex.test", currency: null, deleted: false });
    expect(toCustomer(parse(customerSchema, { ...customerJson, name: null, currency: "chf" }, "fixture"), stamp)).toMatchObject({ name: "", currency: "CHF" });
    expect(toCustomer(parse(customerSchema, customerDeletedJson, "fixture"), stamp)).toMatchObject({ externalId: "cus_GqaX8od1qmpGWP", deleted: true, name: "", email: null });
  });
});

describe("versions and dates", () => {
  it("orders event snapshots before fetches of the same second, and both by time", () => {
    const t = 1_795_260_565;
    expect(eventStamp(t).version < fetchedStamp(t).version).toBe(true);
    expect(fetchedStamp(t).version < eventStamp(t + 1).version).toBe(true);
    expect(eventStamp(999_999_999).version < eventStamp(1_000_000_000).version).toBe(true); // zero-padded
    expect(eventStamp(t)).toEqual({ version: "001795260565.0", updatedAt: new Date(t * 1000) });
  });

  it("reads instants as UTC calendar dates", () => {
    expect(utcDate(1_767_225_599)).toBe("2025-12-31");
    expect(utcDate(1_767_225_600)).toBe("2026-01-01");
  });
});

describe("event facts", () => {
  const events = parse(listSchema(eventSchema), eventsJson, "fixture").data;
  const byType = (type: string) => eventFact(events.find((e) => e.type === type)!);

  it("reads deletions, voids, invoice payments and refunds from recorded events", () => {
    expect(byType("invoice.deleted")).toMatchObject({ entity: "invoice", deleted: true, invoice: { id: "in_XH6a71sSnvzgsRoW09CTSJ3I" } });
    expect(byType("invoice.voided")).toMatchObject({ entity: "invoice", deleted: false, invoice: { status: "void" } });
    expect(byType("customer.deleted")).toMatchObject({ entity: "customer", deleted: true, customer: { id: "cus_GqaX8od1qmpGWP" } });
    expect(byType("invoice_payment.paid")).toMatchObject({ entity: "invoice_payment", payment: { status: "paid" } });
    expect(byType("refund.created")).toMatchObject({ entity: "refund", refund: { id: "re_bkd5Ja4KiBIgpOMFmZBUYejo" } });
    const refunded = byType("charge.refunded");
    expect(refunded).toMatchObject({ entity: "charge_refunded", charge: { id: "ch_Z672BPnFdFExpg2NjVVpCB4o" } });
    // This API version does not embed a charge's refunds: changes() reads them, or their own events.
    expect(refunded?.entity === "charge_refunded" && refunded.charge.refunds).toBeFalsy();
  });

  it("ignores objects Concord does not keep", () => {
    const event = parse(eventSchema, { id: "evt_1", object: "event", type: "payment_intent.succeeded", created: 1, data: { object: { id: "pi_1", object: "payment_intent" } } }, "event");
    expect(eventFact(event)).toBeNull();
    const charge = parse(eventSchema, { id: "evt_2", object: "event", type: "charge.succeeded", created: 1, data: { object: { id: "ch_1", object: "charge" } } }, "event");
    expect(eventFact(charge)).toBeNull();
  });
});
