/**
 * Payments around invoices: InvoicePayments (list by invoice, retrieve), PaymentIntents (create,
 * confirm with a test card, cancel, retrieve, list), Charges (retrieve, list) and Refunds
 * (create on a charge or a payment intent, full or partial; retrieve, list).
 * https://docs.stripe.com/api/invoice-payment, /api/payment_intents, /api/charges, /api/refunds
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { fail } from "../errors";
import { listOf, mustFind } from "../listing";
import { newPaymentIntent } from "../objects";
import { bool, currency, expand, int, listParams, mergeMetadata, metadata, oneOf, range, inRange, str, unsettable } from "../params";
import { confirmIntent, defaultOf, refundCharge } from "../payments";
import { route } from "../route";
import { insert } from "../table";
import type { StripeData } from "../types";

const ignored = z.unknown().optional();
const byId = z.strictObject({ expand: expand() });

const intentCreate = z.strictObject({
  amount: int({ min: 1 }),
  currency: currency(),
  customer: str().optional(),
  description: unsettable(1000).optional(),
  metadata: metadata(),
  payment_method: str().optional(),
  confirm: bool().optional(),
  expand: expand(),
  automatic_payment_methods: ignored,
  capture_method: ignored,
  off_session: ignored,
  payment_method_types: ignored,
  receipt_email: ignored,
  return_url: ignored,
  setup_future_usage: ignored,
  statement_descriptor: ignored,
  statement_descriptor_suffix: ignored,
});
const intentConfirm = z.strictObject({ payment_method: str().optional(), expand: expand(), off_session: ignored, return_url: ignored, mandate_data: ignored });
const intentCancel = z.strictObject({ cancellation_reason: oneOf(["duplicate", "fraudulent", "requested_by_customer", "abandoned"] as const).optional(), expand: expand() });
const refundCreate = z.strictObject({
  charge: str().optional(),
  payment_intent: str().optional(),
  amount: int({ min: 1 }).optional(),
  reason: oneOf(["duplicate", "fraudulent", "requested_by_customer"] as const).optional(),
  metadata: metadata(),
  expand: expand(),
  instructions_email: ignored,
  refund_application_fee: ignored,
  reverse_transfer: ignored,
});

export function paymentRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add("GET", "/v1/invoice_payments/:id", route(byId, (ctx, _p, req) => mustFind(ctx.data.invoicePayments, "invoice payment", req.params.id!)))
    .add(
      "GET",
      "/v1/invoice_payments",
      route(
        z.strictObject({
          ...listParams,
          invoice: str().optional(),
          status: oneOf(["open", "paid", "canceled"] as const).optional(),
          payment: z.strictObject({ type: oneOf(["payment_intent", "payment_record"] as const), payment_intent: str().optional(), payment_record: str().optional() }).optional(),
          created: range(),
        }),
        (ctx, p) =>
          listOf(ctx.data.invoicePayments, "invoice payment", p, "/v1/invoice_payments", (ip) => {
            if (p.invoice !== undefined && ip.invoice !== p.invoice) return false;
            if (p.status !== undefined && ip.status !== p.status) return false;
            if (p.payment) {
              const { type, payment_intent: intent, payment_record: record } = p.payment;
              if (ip.payment.type !== type || (intent !== undefined && ip.payment.payment_intent !== intent) || (record !== undefined && ip.payment.payment_record !== record)) return false;
            }
            return inRange(ip.created, p.created);
          }),
      ),
    )
    .add(
      "POST",
      "/v1/payment_intents",
      route(intentCreate, (ctx, p) => {
        if (p.customer !== undefined) mustFind(ctx.data.customers, "customer", p.customer, "customer");
        const intent = insert(ctx.data.paymentIntents, newPaymentIntent(ctx, { amount: p.amount, currency: p.currency, customer: p.customer ?? null, description: p.description ?? null, metadata: mergeMetadata({}, p.metadata) }));
        if (p.payment_method) {
          intent.payment_method = p.payment_method;
          intent.status = "requires_confirmation";
        }
        ctx.emit("payment_intent.created", intent);
        if (p.confirm) confirmIntent(ctx, intent, p.payment_method);
        return intent;
      }),
    )
    .add(
      "POST",
      "/v1/payment_intents/:id/confirm",
      route(intentConfirm, (ctx, p, req) => {
        const intent = mustFind(ctx.data.paymentIntents, "payment_intent", req.params.id!);
        confirmIntent(ctx, intent, p.payment_method ?? intent.payment_method?.toString() ?? undefined);
        return intent;
      }),
    )
    .add(
      "POST",
      "/v1/payment_intents/:id/cancel",
      route(intentCancel, (ctx, p, req) => {
        const intent = mustFind(ctx.data.paymentIntents, "payment_intent", req.params.id!);
        const invoice = defaultOf(ctx, intent);
        if (invoice) throw fail.state(`This PaymentIntent is the default payment of invoice ${invoice} and can't be canceled directly; void the invoice instead.`, "payment_intent_unexpected_state");
        if (intent.status === "succeeded" || intent.status === "canceled") {
          throw fail.state(`You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`, "payment_intent_unexpected_state");
        }
        intent.status = "canceled";
        intent.canceled_at = ctx.now;
        intent.cancellation_reason = p.cancellation_reason ?? null;
        ctx.emit("payment_intent.canceled", intent);
        return intent;
      }),
    )
    .add("GET", "/v1/payment_intents/:id", route(byId, (ctx, _p, req) => mustFind(ctx.data.paymentIntents, "payment_intent", req.params.id!)))
    .add(
      "GET",
      "/v1/payment_intents",
      route(z.strictObject({ ...listParams, customer: str().optional(), created: range(), customer_account: ignored }), (ctx, p) =>
        listOf(ctx.data.paymentIntents, "payment_intent", p, "/v1/payment_intents", (pi) => (p.customer === undefined || pi.customer === p.customer) && inRange(pi.created, p.created)),
      ),
    )
    .add("GET", "/v1/charges/:id", route(byId, (ctx, _p, req) => mustFind(ctx.data.charges, "charge", req.params.id!)))
    .add(
      "GET",
      "/v1/charges",
      route(z.strictObject({ ...listParams, customer: str().optional(), payment_intent: str().optional(), created: range(), transfer_group: ignored }), (ctx, p) =>
        listOf(ctx.data.charges, "charge", p, "/v1/charges", (ch) => {
          if (p.customer !== undefined && ch.customer !== p.customer) return false;
          if (p.payment_intent !== undefined && ch.payment_intent !== p.payment_intent) return false;
          return inRange(ch.created, p.created);
        }),
      ),
    )
    .add(
      "POST",
      "/v1/refunds",
      route(refundCreate, (ctx, p) => {
        if (p.charge !== undefined && p.payment_intent !== undefined) throw fail.invalidParam("payment_intent", "You may only specify one of these parameters: charge, payment_intent.", "parameters_exclusive");
        let chargeId = p.charge;
        if (p.payment_intent !== undefined) {
          const intent = mustFind(ctx.data.paymentIntents, "payment_intent", p.payment_intent, "payment_intent");
          if (intent.status !== "succeeded" || typeof intent.latest_charge !== "string") {
            throw fail.state(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, "charge_not_refundable", "payment_intent");
          }
          chargeId = intent.latest_charge;
        }
        if (chargeId === undefined) throw fail.missingParam("charge");
        const charge = mustFind(ctx.data.charges, "charge", chargeId, "charge");
        return refundCharge(ctx, charge, { amount: p.amount, reason: p.reason ?? null, metadata: mergeMetadata({}, p.metadata) });
      }),
    )
    .add("GET", "/v1/refunds/:id", route(byId, (ctx, _p, req) => mustFind(ctx.data.refunds, "refund", req.params.id!)))
    .add(
      "GET",
      "/v1/refunds",
      route(z.strictObject({ ...listParams, charge: str().optional(), payment_intent: str().optional(), created: range() }), (ctx, p) =>
        listOf(ctx.data.refunds, "refund", p, "/v1/refunds", (r) => {
          if (p.charge !== undefined && r.charge !== p.charge) return false;
          if (p.payment_intent !== undefined && r.payment_intent !== p.payment_intent) return false;
          return inRange(r.created, p.created);
        }),
      ),
    );
}
