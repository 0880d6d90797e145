/**
 * Pure mappers from Xero's wire JSON (already checked by schemas.ts) to Concord's shapes: money
 * in minor units through toMinor (never floats), calendar dates without time-zone shifts,
 * canonical statuses, versions that sort as strings, the `concord:<id>` cross-reference
 * Concord writes into an invoice's Reference, and credit notes refunded in cash as refunds of the
 * invoice their Reference's `refund-of:<id>` names.
 * https://developer.xero.com/documentation/api/accounting/types#invoice-status-codes
 */
import { MoneyError, toMinor } from "../../normalize/money";
import { xeroStatus } from "../../normalize/status";
import { refundOfIn } from "../refunds";
import type { ExternalCustomer, ExternalInvoice, ExternalLine, ExternalPayment } from "../types";
import type { XeroContact, XeroCreditNote, XeroInvoice, XeroLineItem, XeroPayment } from "./schemas";

const MS_JSON_DATE = /^\/Date\((-?\d+)(?:([+-])(\d{2})(\d{2}))?\)\/$/;
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?)?$/;

export class XeroDateError extends Error {
  constructor(value: string) {
    super(`"${value}" is not a Xero date`);
    this.name = "XeroDateError";
  }
}

/**
 * An instant (UpdatedDateUTC) in epoch milliseconds. In `/Date(ms+hhmm)/` the milliseconds are
 * already UTC (the offset only names a zone); an ISO value without a zone is UTC, as Xero means it.
 */
export function xeroInstant(value: string): number {
  const json = MS_JSON_DATE.exec(value.trim());
  if (json) return Number(json[1]);
  const iso = ISO_DATE.exec(value.trim());
  if (!iso) throw new XeroDateError(value);
  const ms = Date.parse(iso[3] ? value.trim() : `${iso[1]}T${iso[2] ?? "00:00:00"}Z`);
  if (Number.isNaN(ms)) throw new XeroDateError(value);
  return ms;
}

/**
 * A calendar date (invoice Date, DueDate, FullyPaidOnDate, payment Date) as YYYY-MM-DD. Xero
 * writes them as midnight UTC `/Date(…+0000)/`; a non-zero offset means the local day is the one
 * at ms + offset. ISO text keeps its own date part: a Xero date is a day, not an instant.
 */
export function xeroCalendarDate(value: string): string {
  const text = value.trim();
  const json = MS_JSON_DATE.exec(text);
  if (json) {
    const offsetMinutes = json[2] ? (json[2] === "-" ? -1 : 1) * (Number(json[3]) * 60 + Number(json[4])) : 0;
    const date = new Date(Number(json[1]) + offsetMinutes * 60_000);
    if (Number.isNaN(date.getTime())) throw new XeroDateError(value);
    return date.toISOString().slice(0, 10);
  }
  const iso = ISO_DATE.exec(text);
  if (!iso) throw new XeroDateError(value);
  const day = iso[1]!;
  // Reject 2026-02-31 and the like.
  if (new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) throw new XeroDateError(value);
  return day;
}

/**
 * Versions are UpdatedDateUTC in epoch milliseconds, zero-padded to 15 digits so that string
 * order is time order (15 digits last until the year 33658). Xero has no revision counter;
 * UpdatedDateUTC moves on every change, payments included.
 */
export function versionOf(ms: number): string {
  return String(ms).padStart(15, "0");
}

/** Concord writes `concord:<id>` into Reference; a person may have added text around it. */
const CROSS_REFERENCE = /(?:^|\s)concord:([A-Za-z0-9_-]+)(?=\s|$)/;

export function parseReference(reference: string | null | undefined): { crossReference: string | null; memo: string | null } {
  const text = reference?.trim() ?? "";
  const match = CROSS_REFERENCE.exec(text);
  const memo = (match ? text.replace(match[0], " ") : text).trim().replace(/\s{2,}/g, " ");
  return { crossReference: match?.[1] ?? null, memo: memo || null };
}

/** Xero's Reference holds 255 characters; the cross-reference comes first and is never cut. */
export const MAX_REFERENCE = 255;

export function formatReference(concordId: string, memo: string | null): string {
  const tag = `concord:${concordId}`;
  if (!memo?.trim()) return tag;
  return `${tag} ${memo.trim()}`.slice(0, MAX_REFERENCE);
}

/** Money with the record it belongs to in the error, so a refused amount can be found. */
function minor(value: string | number | null | undefined, currency: string, where: string): bigint {
  if (value === null || value === undefined) return 0n;
  try {
    return toMinor(value, currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new MoneyError(`${where}: ${error.message}`);
    throw error;
  }
}

function decimalText(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "0";
  return typeof value === "number" ? String(value) : value.trim();
}

function mapLine(line: XeroLineItem, currency: string, where: string): ExternalLine {
  return {
    description: line.Description ?? "",
    quantity: decimalText(line.Quantity),
    unitAmountMinor: minor(line.UnitAmount, currency, `${where} UnitAmount`),
    amountMinor: minor(line.LineAmount, currency, `${where} LineAmount`),
  };
}

/**
 * A sales invoice (ACCREC). Credit notes allocated to an invoice (AmountCredited) count as paid:
 * they settle it the way a payment does (Xero marks a fully credited invoice PAID), and Concord's
 * paid + due then adds up to the total.
 */
export function mapInvoice(raw: XeroInvoice): ExternalInvoice {
  const currency = raw.CurrencyCode.toUpperCase();
  const where = `Xero invoice ${raw.InvoiceID}`;
  const paid = minor(raw.AmountPaid, currency, `${where} AmountPaid`);
  const credited = minor(raw.AmountCredited, currency, `${where} AmountCredited`);
  const settled = paid + credited;
  const amountDue = minor(raw.AmountDue, currency, `${where} AmountDue`);
  const { crossReference, memo } = parseReference(raw.Reference);
  const updatedMs = xeroInstant(raw.UpdatedDateUTC);
  const issue = raw.DateString || raw.Date;
  const due = raw.DueDateString || raw.DueDate;
  return {
    externalId: raw.InvoiceID,
    version: versionOf(updatedMs),
    updatedAt: new Date(updatedMs),
    deleted: raw.Status.toUpperCase() === "DELETED",
    raw,
    number: raw.InvoiceNumber?.trim() || null,
    customerExternalId: raw.Contact?.ContactID ?? null,
    currency,
    totalMinor: minor(raw.Total, currency, `${where} Total`),
    amountPaidMinor: settled,
    amountDueMinor: amountDue,
    // DRAFT/SUBMITTED are drafts, DELETED is VOID (and `deleted`): lib/normalize/status.ts.
    status: xeroStatus({ status: raw.Status, amountPaid: settled, amountDue }),
    issueDate: issue ? xeroCalendarDate(issue) : null,
    dueDate: due ? xeroCalendarDate(due) : null,
    paidDate: raw.FullyPaidOnDate ? xeroCalendarDate(raw.FullyPaidOnDate) : null,
    memo,
    crossReference,
    lines: (raw.LineItems ?? []).map((line, i) => mapLine(line, currency, `${where} line ${i + 1}`)),
  };
}

export function isSalesInvoice(raw: { Type?: string | null }): boolean {
  return raw.Type?.toUpperCase() === "ACCREC";
}

/** Payments received against sales invoices; CurrencyRate (to the base currency) is not Concord's concern. */
export function isSalesPayment(raw: XeroPayment): boolean {
  if (raw.PaymentType) return raw.PaymentType.toUpperCase() === "ACCRECPAYMENT";
  return !!raw.Invoice && isSalesInvoice(raw.Invoice);
}

export function mapPayment(raw: XeroPayment): ExternalPayment {
  if (!raw.Invoice) throw new MoneyError(`Xero payment ${raw.PaymentID} names no invoice`);
  const currency = raw.Invoice.CurrencyCode?.toUpperCase();
  // The amount is in the invoice's currency; without it the amount cannot be read safely.
  if (!currency) throw new MoneyError(`Xero payment ${raw.PaymentID} does not say its invoice's currency`);
  const updatedMs = xeroInstant(raw.UpdatedDateUTC);
  return {
    externalId: raw.PaymentID,
    version: versionOf(updatedMs),
    updatedAt: new Date(updatedMs),
    deleted: raw.Status.toUpperCase() === "DELETED",
    raw,
    kind: "PAYMENT",
    invoiceExternalIds: [raw.Invoice.InvoiceID],
    customerExternalId: raw.Invoice.Contact?.ContactID ?? null,
    currency,
    amountMinor: minor(raw.Amount, currency, `Xero payment ${raw.PaymentID} Amount`),
    paidOn: xeroCalendarDate(raw.Date),
  };
}

/**
 * A sales credit note that refunds an invoice: Xero links a credit note to an invoice only by
 * allocating it (which lowers what is owed: a credit, not a refund), so Concord writes
 * `refund-of:<InvoiceID>` into the Reference when it records a refund (writes.ts), and a person
 * recording one in Xero can do the same. Other credit notes are not Concord's refunds.
 */
export function isInvoiceRefund(raw: XeroCreditNote): boolean {
  return raw.Type.toUpperCase() === "ACCRECCREDIT" && refundOfIn(raw.Reference) !== null;
}

/**
 * A refunding credit note as a REFUND of its invoice: the money is what was paid back out of it
 * in cash (its Payments), dated by the latest of them. One whose money has not gone out (no cash
 * refund yet, or a refund deleted since), or that was voided or deleted, returned nothing: it
 * maps as deleted. The credit note's id is the refund's: its refunds come and go with it.
 */
export function mapCreditNoteRefund(raw: XeroCreditNote): ExternalPayment {
  const invoiceId = refundOfIn(raw.Reference);
  if (!invoiceId) throw new MoneyError(`Xero credit note ${raw.CreditNoteID} refunds no invoice`);
  const currency = raw.CurrencyCode.toUpperCase();
  const where = `Xero credit note ${raw.CreditNoteID}`;
  const refunds = (raw.Payments ?? []).filter((p) => (p.Status ?? "AUTHORISED").toUpperCase() !== "DELETED");
  const amountMinor = refunds.reduce((sum, p, i) => sum + minor(p.Amount, currency, `${where} refund ${i + 1}`), 0n);
  const latest = refunds.map((p) => xeroCalendarDate(p.Date)).sort().at(-1);
  const noteDate = raw.DateString || raw.Date;
  const status = raw.Status.toUpperCase();
  const updatedMs = xeroInstant(raw.UpdatedDateUTC);
  return {
    externalId: raw.CreditNoteID,
    version: versionOf(updatedMs),
    updatedAt: new Date(updatedMs),
    deleted: status === "VOIDED" || status === "DELETED" || refunds.length === 0,
    raw,
    kind: "REFUND",
    invoiceExternalIds: [invoiceId],
    customerExternalId: raw.Contact?.ContactID ?? null,
    currency,
    amountMinor,
    paidOn: latest ?? (noteDate ? xeroCalendarDate(noteDate) : xeroCalendarDate(raw.UpdatedDateUTC)),
  };
}

/** Only suppliers are left out of customer lists; a new contact is neither until invoiced. */
export function isCustomerContact(raw: XeroContact): boolean {
  return !(raw.IsSupplier === true && raw.IsCustomer !== true);
}

/**
 * Xero never deletes contacts, it archives them; an archived contact still owns its invoices,
 * so it is not `deleted` to Concord.
 */
export function mapCustomer(raw: XeroContact): ExternalCustomer {
  const updatedMs = xeroInstant(raw.UpdatedDateUTC);
  return {
    externalId: raw.ContactID,
    version: versionOf(updatedMs),
    updatedAt: new Date(updatedMs),
    deleted: false,
    raw,
    name: raw.Name,
    email: raw.EmailAddress?.trim() || null,
    currency: raw.DefaultCurrency?.trim().toUpperCase() || null,
  };
}
