/**
 * Pure mappers from QuickBooks Online JSON to Concord's shapes: amounts to bigint minor units
 * (decimal string arithmetic, never floats), calendar dates as QuickBooks writes them, canonical
 * statuses, the `concord:<id>` cross-reference out of PrivateNote, refund receipts as refunds of
 * the invoice their `refund-of:<id>` names, versions from SyncToken, and CDC's deleted stubs as
 * deleted records. Every mapper parses its input with zod first.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { currencyCode, exponentOf, MoneyError, toMinor } from "../../normalize/money";
import { quickbooksStatus } from "../../normalize/status";
import { refundOfIn } from "../refunds";
import type { ExternalCustomer, ExternalInvoice, ExternalLine, ExternalPayment, InvoiceStatus } from "../types";
import {
  customerSchema,
  deletedStubSchema,
  invoiceSchema,
  paymentSchema,
  refundReceiptSchema,
  type QboDeletedStub,
  type QboInvoice,
  type QboInvoiceLine,
} from "./schemas";

export type MapOptions = {
  /** The company's home currency, for the rare record without CurrencyRef (multicurrency off). */
  homeCurrency?: string | null;
};

/**
 * Versions come from SyncToken, not MetaData.LastUpdatedTime: SyncToken is the optimistic lock
 * counter QuickBooks increments on every change of the entity (applying a payment to an invoice
 * included), so it orders two saves within the same second, which LastUpdatedTime (second
 * precision, written in the company's time zone) cannot. Zero-padded to 12 digits so that
 * string order is numeric order.
 */
export const VERSION_WIDTH = 12;
/** A deleted entity never comes back (QuickBooks does not reuse Ids), so its tombstone outranks every live version. */
export const DELETED_VERSION = "9".repeat(VERSION_WIDTH);

export function versionOf(syncToken: string): string {
  return syncToken.padStart(VERSION_WIDTH, "0");
}

/** Currency for records deleted before Concord saw their currency: ISO 4217 "no currency". */
export const NO_CURRENCY = "XXX";

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A QuickBooks date-time as an instant: offsets with or without a colon ("-0700" in legacy
 * webhooks), and fractions past milliseconds (CloudEvents' nanoseconds), which are truncated.
 */
export function parseQboTime(text: string): Date {
  const match = TIME.exec(text.trim());
  if (!match) throw new RangeError(`"${text}" is not a QuickBooks date-time`);
  const [, clock, fraction = "", zone = "Z"] = match;
  const offset = zone.toUpperCase() === "Z" ? "Z" : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const date = new Date(`${clock}.${fraction.padEnd(3, "0").slice(0, 3)}${offset}`);
  if (Number.isNaN(date.getTime())) throw new RangeError(`"${text}" is not a valid date-time`);
  return date;
}

/** TxnDate/DueDate are the company's calendar dates already; an appended offset is dropped, never converted. */
export function calendarDate(text: string | undefined): string | null {
  return text === undefined ? null : text.slice(0, 10);
}

/** The Concord id Concord wrote as `concord:<id>`, anywhere in a free-text note ("Voided - concord:abc"). */
export function crossReferenceOf(note: string | undefined | null): string | null {
  const match = /(?:^|[^A-Za-z0-9_-])concord:([A-Za-z0-9_-]+)/.exec(note ?? "");
  return match?.[1] ?? null;
}

export function crossReferenceNote(concordId: string): string {
  return `concord:${concordId}`;
}

/**
 * QuickBooks has no void flag: `operation=void` zeroes the amounts and writes "Voided" at the
 * start of PrivateNote. Both together mark a void; a zero invoice alone is just a zero invoice.
 */
export function isVoided(privateNote: string | undefined, totalMinor: bigint): boolean {
  return totalMinor === 0n && /^\s*voided\b/i.test(privateNote ?? "");
}

/** QuickBooks has no drafts: an invoice is open, partly or fully paid (Balance 0), or void (rules: lib/normalize/status.ts). */
export function invoiceStatus(totalMinor: bigint, balanceMinor: bigint, voided: boolean): InvoiceStatus {
  return quickbooksStatus({ total: totalMinor, balance: balanceMinor, voided });
}

function currencyOf(ref: { value: string } | undefined, options: MapOptions): string {
  const code = ref?.value ?? options.homeCurrency;
  if (!code) throw new MoneyError("The record has no CurrencyRef and the company's home currency is unknown");
  return currencyCode(code);
}

/** A JSON number or numeric string as the decimal text QuickBooks sent. */
function decimalText(value: number | string): string {
  return typeof value === "number" ? String(value) : value.trim();
}

/**
 * Unit prices may carry more decimals than the currency (QuickBooks keeps up to 7 on UnitPrice);
 * they are informational (the line Amount is what totals add up), so they are rounded half away
 * from zero to minor units instead of refusing the invoice. Amounts themselves are never rounded.
 */
export function unitPriceMinor(value: number | string, currency: string): bigint {
  try {
    return toMinor(value, currency);
  } catch (error) {
    const match = /^([+-])?(\d+)\.(\d+)$/.exec(decimalText(value));
    if (!(error instanceof MoneyError) || !match) throw error;
    const [, sign, whole, fraction] = match as unknown as [string, string | undefined, string, string];
    const exponent = exponentOf(currency);
    let minor = BigInt(whole + fraction.slice(0, exponent).padEnd(exponent, "0"));
    if (Number(fraction[exponent] ?? "0") >= 5) minor += 1n;
    return sign === "-" ? -minor : minor;
  }
}

function mapLine(line: QboInvoiceLine, currency: string): ExternalLine | null {
  if (line.DetailType === "SalesItemLineDetail") {
    const amountMinor = toMinor(line.Amount ?? 0, currency);
    const detail = line.SalesItemLineDetail ?? {};
    const description = line.Description ?? detail.ItemRef?.name ?? "";
    // Without a UnitPrice the line is one unit of its Amount, so quantity × unit stays the amount.
    if (detail.UnitPrice === undefined) return { description, quantity: "1", unitAmountMinor: amountMinor, amountMinor };
    return { description, quantity: detail.Qty === undefined ? "1" : decimalText(detail.Qty), unitAmountMinor: unitPriceMinor(detail.UnitPrice, currency), amountMinor };
  }
  if (line.DetailType === "DiscountLineDetail") {
    // A discount lowers the total: a negative line keeps lines summing to the subtotal less discount.
    const amountMinor = -toMinor(line.Amount ?? 0, currency);
    return { description: line.Description ?? "Discount", quantity: "1", unitAmountMinor: amountMinor, amountMinor };
  }
  if (line.DetailType === "GroupLineDetail") {
    // A bundle: one line for the group's amount (its inner lines are already counted in it).
    const amountMinor = toMinor(line.Amount ?? 0, currency);
    return { description: line.Description ?? "", quantity: "1", unitAmountMinor: amountMinor, amountMinor };
  }
  // SubTotalLineDetail repeats the sum of the lines above it; DescriptionOnly carries no money.
  return null;
}

/** An Invoice as QuickBooks returns it (GET, query, CDC) to an ExternalInvoice. */
export function toInvoice(json: unknown, options: MapOptions = {}): ExternalInvoice {
  const invoice: QboInvoice = invoiceSchema.parse(json);
  const currency = currencyOf(invoice.CurrencyRef, options);
  const totalMinor = toMinor(invoice.TotalAmt, currency);
  const amountDueMinor = toMinor(invoice.Balance, currency);
  const voided = isVoided(invoice.PrivateNote, totalMinor);
  return {
    externalId: invoice.Id,
    version: versionOf(invoice.SyncToken),
    updatedAt: parseQboTime(invoice.MetaData.LastUpdatedTime),
    deleted: false,
    raw: json,
    number: invoice.DocNumber ?? null,
    customerExternalId: invoice.CustomerRef?.value ?? null,
    currency,
    totalMinor,
    amountPaidMinor: totalMinor - amountDueMinor,
    amountDueMinor,
    status: invoiceStatus(totalMinor, amountDueMinor, voided),
    issueDate: calendarDate(invoice.TxnDate),
    dueDate: calendarDate(invoice.DueDate),
    // QuickBooks invoices carry no paid date (only LinkedTxn ids); the payments' TxnDate has it.
    paidDate: null,
    memo: invoice.CustomerMemo?.value ?? null,
    crossReference: crossReferenceOf(invoice.PrivateNote),
    lines: invoice.Line.map((line) => mapLine(line, currency)).filter((line): line is ExternalLine => line !== null),
  };
}

/** A Payment to an ExternalPayment. QuickBooks refunds are RefundReceipts, another entity: every Payment is money in. */
export function toPayment(json: unknown, options: MapOptions = {}): ExternalPayment {
  const payment = paymentSchema.parse(json);
  const currency = currencyOf(payment.CurrencyRef, options);
  const invoiceIds = payment.Line.flatMap((line) => line.LinkedTxn.filter((link) => link.TxnType === "Invoice").map((link) => link.TxnId));
  return {
    externalId: payment.Id,
    version: versionOf(payment.SyncToken),
    updatedAt: parseQboTime(payment.MetaData.LastUpdatedTime),
    deleted: false,
    raw: json,
    kind: "PAYMENT",
    invoiceExternalIds: [...new Set(invoiceIds)],
    customerExternalId: payment.CustomerRef?.value ?? null,
    currency,
    // A voided payment keeps its Id with TotalAmt 0 and no applications: zero money, not a deletion.
    amountMinor: toMinor(payment.TotalAmt, currency),
    paidOn: payment.TxnDate.slice(0, 10),
  };
}

/**
 * A RefundReceipt as a REFUND of the invoice it returned money for. QuickBooks keeps no link from
 * a refund to an invoice (a RefundReceipt has no LinkedTxn to one), so Concord writes
 * `refund-of:<invoice Id>` into PrivateNote when it records one (writes.ts) and reads it back
 * here; a person recording a refund of an invoice in QuickBooks can write the same. A receipt
 * without it refunds a cash sale, not an invoice: null, it is not Concord's. A voided receipt
 * keeps its Id with TotalAmt 0: zero money, as a voided payment.
 */
export function toRefundReceipt(json: unknown, options: MapOptions = {}): ExternalPayment | null {
  const receipt = refundReceiptSchema.parse(json);
  const invoiceId = refundOfIn(receipt.PrivateNote);
  if (!invoiceId) return null;
  const currency = currencyOf(receipt.CurrencyRef, options);
  return {
    externalId: receipt.Id,
    version: versionOf(receipt.SyncToken),
    updatedAt: parseQboTime(receipt.MetaData.LastUpdatedTime),
    deleted: false,
    raw: json,
    kind: "REFUND",
    invoiceExternalIds: [invoiceId],
    customerExternalId: receipt.CustomerRef?.value ?? null,
    currency,
    amountMinor: toMinor(receipt.TotalAmt, currency),
    paidOn: receipt.TxnDate.slice(0, 10),
  };
}

/** A Customer. QuickBooks "deletes" a customer by making it inactive, so inactive reads as deleted. */
export function toCustomer(json: unknown): ExternalCustomer {
  const customer = customerSchema.parse(json);
  return {
    externalId: customer.Id,
    version: versionOf(customer.SyncToken),
    updatedAt: parseQboTime(customer.MetaData.LastUpdatedTime),
    deleted: customer.Active === false,
    raw: json,
    name: customer.DisplayName.trim(),
    email: customer.PrimaryEmailAddr?.Address?.trim() || null,
    currency: customer.CurrencyRef ? currencyCode(customer.CurrencyRef.value) : null,
  };
}

export function isDeletedStub(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as { status?: unknown }).status === "Deleted";
}

function tombstone(stub: QboDeletedStub, raw: unknown) {
  return { externalId: stub.Id, version: DELETED_VERSION, updatedAt: parseQboTime(stub.MetaData.LastUpdatedTime), deleted: true, raw };
}

/**
 * CDC's `{status: "Deleted", Id, MetaData}` stubs say only which record went and when; the rest
 * is neutral (zero amounts, "XXX" currency). Consumers act on `deleted`, never on these values.
 */
export function deletedInvoice(json: unknown): ExternalInvoice {
  const stub = deletedStubSchema.parse(json);
  return {
    ...tombstone(stub, json),
    number: null,
    customerExternalId: null,
    currency: NO_CURRENCY,
    totalMinor: 0n,
    amountPaidMinor: 0n,
    amountDueMinor: 0n,
    // The canonical status closest to "gone"; `deleted` is what matters.
    status: "VOID",
    issueDate: null,
    dueDate: null,
    paidDate: null,
    memo: null,
    crossReference: null,
    lines: [],
  };
}

export function deletedPayment(json: unknown): ExternalPayment {
  const stub = deletedStubSchema.parse(json);
  return {
    ...tombstone(stub, json),
    kind: "PAYMENT",
    invoiceExternalIds: [],
    customerExternalId: null,
    currency: NO_CURRENCY,
    amountMinor: 0n,
    // The stub has no TxnDate; the deletion's date (company time) stands in.
    paidOn: stub.MetaData.LastUpdatedTime.slice(0, 10),
  };
}

/** A deleted RefundReceipt: the stub cannot say which invoice it refunded, only that it is gone. */
export function deletedRefundReceipt(json: unknown): ExternalPayment {
  return { ...deletedPayment(json), kind: "REFUND" };
}

export function deletedCustomer(json: unknown): ExternalCustomer {
  const stub = deletedStubSchema.parse(json);
  return { ...tombstone(stub, json), name: "", email: null, currency: null };
}

/** True when mapping `json` needs the company's home currency. */
export function lacksCurrency(json: unknown): boolean {
  return typeof json === "object" && json !== null && !isDeletedStub(json) && !("CurrencyRef" in json && (json as { CurrencyRef?: unknown }).CurrencyRef);
}
