/**
 * zod schemas for every Stripe payload where it enters Concord: API objects (from the SDK or
 * inside Events), Events, the Connect OAuth answers and the account. Only the fields the mappers
 * read are declared; objects are loose, so the rest passes through untouched into `raw`. Written
 * for API version 2026-10-28.endive (invoices link to payments only through InvoicePayments).
 * https://docs.stripe.com/api/invoices/object
 * https://docs.stripe.com/api/invoice-payment/object
 * https://docs.stripe.com/api/events/object
 */
import { z } from "zod";
import { ProviderError } from "../errors";

/**
 * Decimal fields (`quantity_decimal`, `unit_amount_decimal`) are strings on the wire; stripe-node
 * 23 turns them into its own Decimal objects in API answers but not inside Events. Both become
 * the plain decimal string here.
 */
const decimal = z.union([
  z.string().regex(/^-?\d+(\.\d+)?$/),
  z.custom<{ toString(): string }>((v) => typeof v === "object" && v !== null && typeof (v as { toFixed?: unknown }).toFixed === "function").transform((d, ctx) => {
    const text = d.toString();
    if (/^-?\d+(\.\d+)?$/.test(text)) return text;
    ctx.addIssue({ code: "custom", message: `not a plain decimal: ${text}` });
    return z.NEVER;
  }),
]);

/** An id, or the object it names when expanded. */
const ref = z.union([z.string(), z.looseObject({ id: z.string() }).transform((o) => o.id)]);
const unix = z.number().int().nonnegative();
const amount = z.number().int();
const metadata = z.record(z.string(), z.string()).nullish();

export const lineSchema = z.looseObject({
  id: z.string(),
  amount,
  currency: z.string(),
  description: z.string().nullish(),
  quantity: z.number().int().nullish(),
  quantity_decimal: decimal.nullish(),
  pricing: z.looseObject({ unit_amount_decimal: decimal.nullish() }).nullish(),
});

export const invoiceSchema = z.looseObject({
  id: z.string(),
  object: z.literal("invoice"),
  status: z.enum(["draft", "open", "paid", "uncollectible", "void"]),
  currency: z.string(),
  customer: ref.nullish(),
  number: z.string().nullish(),
  description: z.string().nullish(),
  metadata,
  total: amount,
  amount_due: amount,
  amount_paid: amount,
  amount_remaining: amount,
  created: unix,
  due_date: unix.nullish(),
  effective_at: unix.nullish(),
  status_transitions: z.looseObject({ finalized_at: unix.nullish(), paid_at: unix.nullish() }).nullish(),
  lines: z.looseObject({ data: z.array(lineSchema), has_more: z.boolean() }),
});

export const invoicePaymentSchema = z.looseObject({
  id: z.string(),
  object: z.literal("invoice_payment"),
  invoice: ref,
  currency: z.string(),
  amount_paid: amount.nullish(),
  amount_requested: amount,
  status: z.string(),
  created: unix,
  status_transitions: z.looseObject({ paid_at: unix.nullish() }).nullish(),
  payment: z.looseObject({ type: z.string(), payment_intent: ref.nullish(), payment_record: ref.nullish() }),
});

export const refundSchema = z.looseObject({
  id: z.string(),
  object: z.literal("refund"),
  amount,
  currency: z.string(),
  status: z.string().nullish(),
  created: unix,
  charge: ref.nullish(),
  payment_intent: ref.nullish(),
  customer: ref.nullish(),
});

/** charge.refunded events: in this API version a charge no longer embeds its refunds unless expanded. */
export const chargeSchema = z.looseObject({
  id: z.string(),
  object: z.literal("charge"),
  payment_intent: ref.nullish(),
  refunds: z.looseObject({ data: z.array(refundSchema) }).nullish(),
});

export const customerSchema = z.union([
  z.looseObject({ id: z.string(), object: z.literal("customer"), deleted: z.literal(true) }),
  z.looseObject({
    id: z.string(),
    object: z.literal("customer"),
    deleted: z.literal(false).optional(),
    name: z.string().nullish(),
    email: z.string().nullish(),
    currency: z.string().nullish(),
    created: unix,
  }),
]);

/**
 * A credit note. `out_of_band_amount` is money Concord or the business returned outside Stripe:
 * the part a refund mapper reads. https://docs.stripe.com/api/credit_notes/object
 */
export const creditNoteSchema = z.looseObject({
  id: z.string(),
  object: z.literal("credit_note"),
  invoice: ref,
  customer: ref.nullish(),
  currency: z.string(),
  amount: amount,
  out_of_band_amount: amount.nullish(),
  status: z.string(),
  created: unix,
  effective_at: unix.nullish(),
  memo: z.string().nullish(),
});

export const paymentRecordSchema = z.looseObject({ id: z.string(), object: z.literal("payment_record") });

export const listSchema = <T extends z.ZodType>(item: T) => z.looseObject({ data: z.array(item), has_more: z.boolean() });

export const eventSchema = z.looseObject({
  id: z.string(),
  object: z.literal("event"),
  type: z.string(),
  created: unix,
  /** Set on events of connected accounts, which is what a Connect platform receives. */
  account: z.string().nullish(),
  data: z.looseObject({ object: z.looseObject({ id: z.string(), object: z.string() }) }),
});

/** https://docs.stripe.com/connect/oauth-reference#post-token-response */
export const oauthTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  stripe_user_id: z.string().min(1),
  scope: z.string().nullish(),
  livemode: z.boolean().nullish(),
});

export const oauthErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().nullish() });

export const deauthorizeSchema = z.looseObject({ stripe_user_id: z.string() });

export const accountSchema = z.looseObject({
  id: z.string(),
  email: z.string().nullish(),
  business_profile: z.looseObject({ name: z.string().nullish() }).nullish(),
  settings: z.looseObject({ dashboard: z.looseObject({ display_name: z.string().nullish() }).nullish() }).nullish(),
});

export type StripeInvoice = z.output<typeof invoiceSchema>;
export type StripeLine = z.output<typeof lineSchema>;
export type StripeInvoicePayment = z.output<typeof invoicePaymentSchema>;
export type StripeRefund = z.output<typeof refundSchema>;
export type StripeCharge = z.output<typeof chargeSchema>;
export type StripeCreditNote = z.output<typeof creditNoteSchema>;
export type StripeCustomer = z.output<typeof customerSchema>;
export type StripeEvent = z.output<typeof eventSchema>;
export type StripeAccount = z.output<typeof accountSchema>;

/**
 * Parses a payload Stripe sent. A shape we do not know is Stripe's answer being unexpected (an
 * API version other than the pinned one, say), reported as a server-side problem of the call.
 */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ProviderError("stripe", "server", `Stripe ${what} has an unexpected shape: ${z.prettifyError(result.error)}`);
  return result.data;
}
