/**
 * New Stripe objects in their full wire shape for the pinned API version (fields as in the SDK
 * types and Stripe's OpenAPI fixtures). Amounts are integers in the currency's minor unit.
 * https://docs.stripe.com/api/invoices/object, /api/invoiceitems/object, /api/customers/object,
 * /api/payment-record/object
 */
import type { Ctx } from "./context";
import type { Customer, Invoice, InvoiceItem, InvoicePayment, LineItem, PaymentIntent, PaymentRecord } from "./types";

export type AddressInput = { city?: string; country?: string; line1?: string; line2?: string; postal_code?: string; state?: string };
export const address = (a: AddressInput) => ({
  city: a.city ?? null,
  country: a.country ?? null,
  line1: a.line1 ?? null,
  line2: a.line2 ?? null,
  postal_code: a.postal_code ?? null,
  state: a.state ?? null,
});

export type CustomerInput = {
  name?: string | null;
  email?: string | null;
  description?: string | null;
  phone?: string | null;
  address?: AddressInput | null;
  metadata?: Record<string, string>;
  invoice_prefix?: string;
  currency?: string | null;
};

export function newCustomer(ctx: Ctx, input: CustomerInput): Customer {
  const id = ctx.id("cus", 14);
  return {
    id,
    object: "customer",
    address: input.address ? address(input.address) : null,
    balance: 0,
    created: ctx.now,
    currency: input.currency ?? null,
    default_source: null,
    delinquent: false,
    description: input.description ?? null,
    discount: null,
    email: input.email ?? null,
    invoice_prefix: input.invoice_prefix ?? ctx.id("x", 8).slice(2).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: input.metadata ?? {},
    name: input.name ?? null,
    next_invoice_sequence: 1,
    phone: input.phone ?? null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: "none",
    test_clock: null,
  };
}

export type InvoiceInput = {
  currency: string;
  collection_method: "charge_automatically" | "send_invoice";
  due_date: number | null;
  description?: string | null;
  footer?: string | null;
  metadata?: Record<string, string>;
  number?: string | null;
  auto_advance?: boolean;
  statement_descriptor?: string | null;
};

export function newInvoice(ctx: Ctx, customer: Customer, input: InvoiceInput): Invoice {
  const id = ctx.id("in");
  return {
    id,
    object: "invoice",
    account_country: "US",
    account_name: ctx.accountName,
    account_tax_ids: null,
    amount_due: 0,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: 0,
    amount_shipping: 0,
    application: null,
    attempt_count: 0,
    attempted: false,
    auto_advance: input.auto_advance ?? false,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: "manual",
    collection_method: input.collection_method,
    created: ctx.now,
    currency: input.currency,
    custom_fields: null,
    customer: customer.id,
    customer_account: null,
    customer_address: customer.address ?? null,
    customer_email: customer.email,
    customer_name: customer.name ?? null,
    customer_phone: customer.phone ?? null,
    customer_shipping: null,
    customer_tax_exempt: customer.tax_exempt ?? "none",
    customer_tax_ids: [],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: input.description ?? null,
    discounts: [],
    due_date: input.due_date,
    effective_at: null,
    ending_balance: null,
    footer: input.footer ?? null,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    issuer: { type: "self" },
    last_finalization_error: null,
    latest_revision: null,
    lines: { object: "list", data: [], has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: input.metadata ?? {},
    next_payment_attempt: null,
    number: input.number ?? null,
    on_behalf_of: null,
    parent: null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: ctx.now,
    period_start: ctx.now,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: null,
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: input.statement_descriptor ?? null,
    status: "draft",
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: 0,
    subtotal_excluding_tax: 0,
    test_clock: null,
    total: 0,
    total_discount_amounts: [],
    total_excluding_tax: 0,
    total_pretax_credit_amounts: [],
    total_taxes: [],
    webhooks_delivered_at: ctx.now,
  };
}

export type ItemInput = {
  customer: string;
  currency: string;
  amount: number;
  quantity: number;
  unit_amount_decimal: string;
  description: string | null;
  invoice: string | null;
  metadata: Record<string, string>;
  price?: { price: string; product: string };
};

export function newInvoiceItem(ctx: Ctx, input: ItemInput): InvoiceItem {
  return {
    id: ctx.id("ii"),
    object: "invoiceitem",
    amount: input.amount,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    date: ctx.now,
    description: input.description,
    discountable: true,
    discounts: [],
    invoice: input.invoice,
    livemode: false,
    metadata: input.metadata,
    net_amount: input.amount,
    parent: null,
    period: { end: ctx.now, start: ctx.now },
    pricing: { type: "price_details", ...(input.price ? { price_details: input.price } : {}), unit_amount_decimal: input.unit_amount_decimal },
    proration: false,
    quantity: input.quantity,
    quantity_decimal: String(input.quantity),
    tax_rates: [],
    test_clock: null,
  };
}

/** The invoice line an invoice item becomes once it is on an invoice. */
export function lineFor(ctx: Ctx, item: InvoiceItem, invoiceId: string): LineItem {
  return {
    id: ctx.id("il"),
    object: "line_item",
    amount: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable,
    discounts: [],
    invoice: invoiceId,
    livemode: false,
    metadata: item.metadata ?? {},
    parent: {
      invoice_item_details: { invoice_item: item.id, proration: false, proration_details: { credited_items: null }, subscription: null },
      subscription_item_details: null,
      type: "invoice_item_details",
    },
    period: item.period,
    pretax_credit_amounts: [],
    pricing: item.pricing,
    quantity: item.quantity,
    quantity_decimal: item.quantity_decimal,
    subscription: null,
    subtotal: item.amount,
    taxes: [],
  };
}

export type PaymentIntentInput = { amount: number; currency: string; customer: string | null; description: string | null; metadata?: Record<string, string> };

export function newPaymentIntent(ctx: Ctx, input: PaymentIntentInput): PaymentIntent {
  const id = ctx.id("pi");
  return {
    id,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic",
    client_secret: `${id}_secret_${ctx.id("s", 25).slice(2)}`,
    confirmation_method: "automatic",
    created: ctx.now,
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata ?? {},
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_data: null,
    transfer_group: null,
  };
}

export type InvoicePaymentInput = {
  invoice: Invoice;
  amount: number;
  isDefault: boolean;
  payment: InvoicePayment["payment"];
};

export function newInvoicePayment(ctx: Ctx, input: InvoicePaymentInput): InvoicePayment {
  return {
    id: ctx.id("inpay"),
    object: "invoice_payment",
    amount_paid: null,
    amount_requested: input.amount,
    created: ctx.now,
    currency: input.invoice.currency,
    invoice: input.invoice.id,
    is_default: input.isDefault,
    livemode: false,
    payment: input.payment,
    status: "open",
    status_transitions: { canceled_at: null, paid_at: null },
  };
}

export type PaymentRecordInput = {
  id?: string;
  currency: string;
  amount: number;
  outcome: "guaranteed" | "failed" | "canceled" | null;
  customer: { customer: string | null; email: string | null; name: string | null; phone: string | null } | null;
  customerPresence: "off_session" | "on_session" | null;
  description: string | null;
  metadata: Record<string, string>;
  method: { type: "custom"; display_name: string; custom_type: string | null } | { type: "payment_method"; payment_method: string };
  paymentReference: string | null;
};

/** A payment reported to Stripe from outside it (a bank transfer, a check, another processor). */
export function newPaymentRecord(ctx: Ctx, input: PaymentRecordInput): PaymentRecord {
  const money = (value: number) => ({ currency: input.currency, value });
  const settled = (outcome: PaymentRecordInput["outcome"]) => money(input.outcome === outcome ? input.amount : 0);
  return {
    id: input.id ?? ctx.id("pr"),
    object: "payment_record",
    amount: money(input.amount),
    amount_authorized: money(input.outcome === "guaranteed" ? input.amount : 0),
    amount_canceled: settled("canceled"),
    amount_failed: settled("failed"),
    amount_guaranteed: settled("guaranteed"),
    amount_refunded: money(0),
    amount_requested: money(input.amount),
    application: null,
    created: ctx.now,
    customer_details: input.customer,
    customer_presence: input.customerPresence,
    description: input.description,
    latest_payment_attempt_record: null,
    livemode: false,
    metadata: input.metadata,
    payment_method_details:
      input.method.type === "custom"
        ? { billing_details: null, payment_method: null, type: "custom", custom: { display_name: input.method.display_name, type: input.method.custom_type } }
        : { billing_details: null, payment_method: input.method.payment_method, type: "card" },
    processor_details: { type: "custom", custom: { payment_reference: input.paymentReference } },
    reported_by: "self",
    shipping_details: null,
  };
}
