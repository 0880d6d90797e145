/**
 * The Stripe sandbox's per-account state: Stripe objects kept in their wire shape, typed with
 * the official SDK's types for the pinned API version, so a missing or misnamed field fails to
 * compile. Decimal fields are strings on the wire (the SDK turns them into Decimal objects).
 */
import type Stripe from "stripe";

export const API_VERSION = "2026-10-28.endive";

export type Customer = Stripe.Customer;
export type DeletedCustomer = Stripe.DeletedCustomer;
export type InvoicePayment = Stripe.InvoicePayment;
export type PaymentIntent = Stripe.PaymentIntent;
export type Charge = Stripe.Charge;
export type Refund = Stripe.Refund;
export type PaymentRecord = Stripe.PaymentRecord;
export type WebhookEndpoint = Omit<Stripe.WebhookEndpoint, "secret">;

export type LineItem = Omit<Stripe.InvoiceLineItem, "quantity_decimal" | "pricing"> & {
  quantity_decimal: string | null;
  pricing: { type: "price_details"; price_details?: { price: string; product: string }; unit_amount_decimal: string | null } | null;
};

export type ListObject<T> = { object: "list"; data: T[]; has_more: boolean; url: string };

export type Invoice = Omit<Stripe.Invoice, "lines"> & { lines: ListObject<LineItem> };

export type CreditNoteLine = Omit<Stripe.CreditNoteLineItem, "unit_amount_decimal"> & { unit_amount_decimal: string | null };

/** A credit note as stored: its lines kept in full (they are few), ids where the SDK allows objects. */
export type CreditNote = Omit<Stripe.CreditNote, "lines" | "customer" | "invoice"> & { customer: string; invoice: string; lines: ListObject<CreditNoteLine> };

export type InvoiceItem = Omit<Stripe.InvoiceItem, "quantity_decimal" | "pricing"> & {
  quantity_decimal: string;
  pricing: LineItem["pricing"];
};

/** An event as stored: its JSON is rendered once, when it happens, so it never changes. */
export type EventRecord = { id: string; type: string; created: number; json: string };

/**
 * Objects of one kind: by id, plus ids in list order (created ascending, ties by insertion), so
 * a retrieve is a map lookup and a page is a walk from the cursor.
 */
export type Table<T> = { byId: Record<string, T>; order: string[]; seq: Record<string, number>; next: number };

export type StripeData = {
  customers: Table<Customer>;
  deletedCustomers: Record<string, true>;
  invoiceItems: Table<InvoiceItem>;
  invoices: Table<Invoice>;
  invoicePayments: Table<InvoicePayment>;
  /** invoice id → its invoice payment ids, oldest first. */
  paymentsByInvoice: Record<string, string[]>;
  /** payment intent id → the invoice payments it pays. */
  paymentsByIntent: Record<string, string[]>;
  paymentIntents: Table<PaymentIntent>;
  charges: Table<Charge>;
  refunds: Table<Refund>;
  /**
   * Payments reported from outside Stripe (out-of-band invoice payments). Optional because state
   * files saved before records were modelled lack it: read it through `paymentRecordsOf`.
   */
  paymentRecords?: Table<PaymentRecord>;
  /** Credit notes on finalized invoices. Optional for the same reason: read it through `creditNotesOf`. */
  creditNotes?: Table<CreditNote>;
  events: Table<EventRecord>;
  webhookEndpoints: Table<WebhookEndpoint>;
  /** webhook endpoint id → the core subscription that delivers to it. */
  endpointSubscriptions: Record<string, string>;
  /** How many times this account was seeded: each run draws fresh ids. */
  seedRuns: number;
};

export function emptyTable<T>(): Table<T> {
  return { byId: {}, order: [], seq: {}, next: 0 };
}

export function newStripeData(): StripeData {
  return {
    customers: emptyTable(),
    deletedCustomers: {},
    invoiceItems: emptyTable(),
    invoices: emptyTable(),
    invoicePayments: emptyTable(),
    paymentsByInvoice: {},
    paymentsByIntent: {},
    paymentIntents: emptyTable(),
    charges: emptyTable(),
    refunds: emptyTable(),
    paymentRecords: emptyTable(),
    creditNotes: emptyTable(),
    events: emptyTable(),
    webhookEndpoints: emptyTable(),
    endpointSubscriptions: {},
    seedRuns: 0,
  };
}

export function paymentRecordsOf(data: StripeData): Table<PaymentRecord> {
  return (data.paymentRecords ??= emptyTable());
}

export function creditNotesOf(data: StripeData): Table<CreditNote> {
  return (data.creditNotes ??= emptyTable());
}
