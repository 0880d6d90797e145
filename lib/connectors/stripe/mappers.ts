/**
 * Pure mappers from Stripe objects (already parsed by ./schemas) to Concord's shapes, and the
 * version scheme that orders them. Stripe amounts are integers in the currency's minor unit
 * already (JPY has none, KWD has 1000), so they become bigints without arithmetic.
 * https://docs.stripe.com/currencies#zero-decimal
 */
import { currencyCode } from "../../normalize/money";
import { stripeStatus } from "../../normalize/status";
import type { ExternalCustomer, ExternalInvoice, ExternalLine, ExternalPayment, InvoiceStatus } from "../types";
import {
  chargeSchema,
  creditNoteSchema,
  customerSchema,
  invoicePaymentSchema,
  invoiceSchema,
  parse,
  refundSchema,
  type StripeCharge,
  type StripeCreditNote,
  type StripeCustomer,
  type StripeEvent,
  type StripeInvoice,
  type StripeInvoicePayment,
  type StripeLine,
  type StripeRefund,
} from "./schemas";

/**
 * Versions. Stripe objects carry no updated-at, so a version is a point on Stripe's clock in
 * unix seconds, zero-padded to 12 digits so that string order is time order, plus one digit:
 * - `.0`: the object as an Event carried it (`event.created`): its state at that second;
 * - `.1`: the object as fetched, at the `Date` of Stripe's answer. A fetch shows every change
 *   made up to that second, so it sorts after event snapshots of the same second.
 * Two snapshots of the same kind and second compare equal. A change made within the same second
 * but after a fetch sorts below that fetch; the next event or fetch of a later second supersedes
 * both, which is as fine as one-second clocks allow.
 */
export type Stamp = { version: string; updatedAt: Date };

const stampAt = (seconds: number, rank: 0 | 1): Stamp => ({ version: `${String(seconds).padStart(12, "0")}.${rank}`, updatedAt: new Date(seconds * 1000) });
export const eventStamp = (eventCreated: number): Stamp => stampAt(eventCreated, 0);
export const fetchedStamp = (serverSeconds: number): Stamp => stampAt(serverSeconds, 1);

/**
 * Stripe keeps instants (unix seconds); Concord keeps calendar dates. The account's timezone is
 * not in the objects, so dates are read in UTC, and the connector writes dates as instants that
 * read back as the same UTC date (see writes.ts).
 */
export function utcDate(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** The canonical status; the rules are lib/normalize/status.ts's Stripe table. */
export function invoiceStatus(inv: Pick<StripeInvoice, "status" | "amount_paid" | "amount_remaining">): InvoiceStatus {
  return stripeStatus({ status: inv.status, amountPaid: BigInt(inv.amount_paid), amountRemaining: BigInt(inv.amount_remaining) });
}

/** A decimal string as (integer, power of ten): "12.50" → (1250n, 100n). */
function scaled(decimal: string): { value: bigint; scale: bigint } {
  const negative = decimal.startsWith("-");
  const [whole = "0", fraction = ""] = decimal.replace(/^[-+]/, "").split(".");
  const value = BigInt(whole + fraction);
  return { value: negative ? -value : value, scale: 10n ** BigInt(fraction.length) };
}

/** numerator / denominator rounded half away from zero, in integers. */
function roundedDiv(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

/**
 * One invoice line. `amount` is exact and is what the invoice totals add up; the unit amount is
 * Stripe's `unit_amount_decimal`, which may carry fractions of a minor unit (up to 12 decimals):
 * those are rounded half away from zero to whole minor units, since a line's unit price is shown,
 * never summed. Without pricing details the unit amount is amount / quantity, rounded the same way.
 */
export function toLine(line: StripeLine): ExternalLine {
  const quantity = line.quantity_decimal ?? String(line.quantity ?? 1);
  const amountMinor = BigInt(line.amount);
  const unit = line.pricing?.unit_amount_decimal;
  let unitAmountMinor: bigint;
  if (unit != null) {
    const u = scaled(unit);
    unitAmountMinor = roundedDiv(u.value, u.scale);
  } else {
    const q = scaled(quantity);
    unitAmountMinor = q.value === 0n ? amountMinor : roundedDiv(amountMinor * q.scale, q.value);
  }
  return { description: line.description ?? "", quantity, unitAmountMinor, amountMinor };
}

/**
 * An invoice. `lines` must be all of them: list and event payloads hold the first 10 only
 * (`lines.has_more`), the client pages through the rest. Amount due is `amount_remaining`, what
 * is still owed after payments (`amount_due` is the total after credit balance, before payments).
 * The issue date is `effective_at` (what the invoice PDF prints as the date of issue: the
 * finalization time unless set), else `status_transitions.finalized_at`, else `created`.
 */
export function toInvoice(inv: StripeInvoice, stamp: Stamp, opts: { lines?: StripeLine[]; deleted?: boolean } = {}): ExternalInvoice {
  const issued = inv.effective_at ?? inv.status_transitions?.finalized_at ?? inv.created;
  const paidAt = inv.status_transitions?.paid_at;
  const lines = opts.lines ?? inv.lines.data;
  return {
    externalId: inv.id,
    ...stamp,
    deleted: opts.deleted ?? false,
    raw: opts.lines ? { ...inv, lines: { ...inv.lines, data: lines, has_more: false } } : inv,
    number: inv.number ?? null,
    customerExternalId: inv.customer ?? null,
    currency: currencyCode(inv.currency),
    totalMinor: BigInt(inv.total),
    amountPaidMinor: BigInt(inv.amount_paid),
    amountDueMinor: BigInt(inv.amount_remaining),
    status: invoiceStatus(inv),
    issueDate: utcDate(issued),
    dueDate: inv.due_date != null ? utcDate(inv.due_date) : null,
    paidDate: inv.status === "paid" && paidAt != null ? utcDate(paidAt) : null,
    memo: inv.description ?? null,
    crossReference: inv.metadata?.concord_id ?? null,
    lines: lines.map(toLine),
  };
}

/**
 * An InvoicePayment. Only a `paid` one is money received: an `open` one is the default payment
 * waiting for the customer, a `canceled` one never happened; both map as deleted (no payment).
 * It names its invoice, not the customer (the invoice's customer is the payer).
 */
export function toInvoicePayment(payment: StripeInvoicePayment, stamp: Stamp): ExternalPayment {
  const paidAt = payment.status_transitions?.paid_at ?? payment.created;
  return {
    externalId: payment.id,
    ...stamp,
    deleted: payment.status !== "paid",
    raw: payment,
    kind: "PAYMENT",
    invoiceExternalIds: [payment.invoice],
    customerExternalId: null,
    currency: currencyCode(payment.currency),
    amountMinor: BigInt(payment.amount_paid ?? payment.amount_requested),
    paidOn: utcDate(paidAt),
  };
}

/**
 * A refund of an invoice's payment (the invoice ids come from the InvoicePayments of the refunded
 * PaymentIntent). A failed or canceled refund returned no money: it maps as deleted.
 */
export function toRefund(refund: StripeRefund, invoiceExternalIds: string[], stamp: Stamp): ExternalPayment {
  return {
    externalId: refund.id,
    ...stamp,
    deleted: refund.status === "failed" || refund.status === "canceled",
    raw: refund,
    kind: "REFUND",
    invoiceExternalIds,
    customerExternalId: refund.customer ?? null,
    currency: currencyCode(refund.currency),
    amountMinor: BigInt(refund.amount),
    paidOn: utcDate(refund.created),
  };
}

/**
 * A credit note that returned money outside Stripe (`out_of_band_amount`), as a refund of its
 * invoice: what Concord writes when another system made the refund, and what a person records
 * in Stripe for a refund by bank transfer or cheque. Only the out-of-band part is money out: a
 * `refund_amount` part is a Refund read on its own (toRefund), a `credit_amount` part stays with
 * the customer as balance, and a pre-payment part lowered what was owed. Null for a credit note
 * with no out-of-band money. The date is `effective_at` (the date the business gave it), else
 * `created`. A void credit note returned nothing: it maps as deleted.
 */
export function toCreditNoteRefund(note: StripeCreditNote, stamp: Stamp): ExternalPayment | null {
  if (!note.out_of_band_amount || note.out_of_band_amount <= 0) return null;
  return {
    externalId: note.id,
    ...stamp,
    deleted: note.status === "void",
    raw: note,
    kind: "REFUND",
    invoiceExternalIds: [note.invoice],
    customerExternalId: note.customer ?? null,
    currency: currencyCode(note.currency),
    amountMinor: BigInt(note.out_of_band_amount),
    paidOn: utcDate(note.effective_at ?? note.created),
  };
}

/** A customer; Stripe names are optional (many customers have only an email): no name is "". */
export function toCustomer(customer: StripeCustomer, stamp: Stamp, opts: { deleted?: boolean } = {}): ExternalCustomer {
  const base = { externalId: customer.id, ...stamp, raw: customer };
  if (customer.deleted) return { ...base, deleted: true, name: "", email: null, currency: null };
  return {
    ...base,
    deleted: opts.deleted ?? false,
    name: customer.name ?? "",
    email: customer.email ?? null,
    currency: customer.currency ? currencyCode(customer.currency) : null,
  };
}

/**
 * The events `changes()` reads (at most 20 names for `types[]`, all of them used): every change
 * of an invoice, invoice payment, customer, refund or credit note. `charge.refunded` covers
 * refunds whose own events are missing; one fact per refund is kept whichever events name it.
 * https://docs.stripe.com/api/events/types
 */
export const EVENT_TYPES = [
  "invoice.created",
  "invoice.updated",
  "invoice.finalized",
  "invoice.paid",
  "invoice.payment_succeeded",
  "invoice.voided",
  "invoice.marked_uncollectible",
  "invoice.overpaid",
  "invoice.deleted",
  "invoice_payment.paid",
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "refund.created",
  "refund.updated",
  "refund.failed",
  "charge.refunded",
  "credit_note.created",
  "credit_note.updated",
  "credit_note.voided",
] as const;

export type EventFact =
  | { entity: "invoice"; invoice: StripeInvoice; deleted: boolean }
  | { entity: "invoice_payment"; payment: StripeInvoicePayment }
  | { entity: "refund"; refund: StripeRefund }
  | { entity: "charge_refunded"; charge: StripeCharge }
  | { entity: "credit_note"; creditNote: StripeCreditNote }
  | { entity: "customer"; customer: StripeCustomer; deleted: boolean };

/** What an Event says changed, from the object it carries; null for objects Concord ignores. */
export function eventFact(event: StripeEvent): EventFact | null {
  const object = event.data.object;
  const what = `${event.type} event ${event.id}`;
  switch (object.object) {
    case "invoice":
      return { entity: "invoice", invoice: parse(invoiceSchema, object, what), deleted: event.type === "invoice.deleted" };
    case "invoice_payment":
      return { entity: "invoice_payment", payment: parse(invoicePaymentSchema, object, what) };
    case "refund":
      return { entity: "refund", refund: parse(refundSchema, object, what) };
    case "charge":
      return event.type === "charge.refunded" ? { entity: "charge_refunded", charge: parse(chargeSchema, object, what) } : null;
    case "customer":
      return { entity: "customer", customer: parse(customerSchema, object, what), deleted: event.type === "customer.deleted" };
    case "credit_note":
      return { entity: "credit_note", creditNote: parse(creditNoteSchema, object, what) };
    default:
      return null;
  }
}
