/**
 * Card charges and refunds as Stripe's test mode makes them. Payment methods follow Stripe's test
 * tokens: `pm_card_visa` (and anything else) succeeds; the `...chargeDeclined...` tokens decline
 * with `card_declined`, as the real test cards do.
 * https://docs.stripe.com/testing#declined-payments
 */
import type { Ctx } from "./context";
import type { Charge, PaymentIntent, Refund } from "./types";

export type Decline = { code: "card_declined"; decline_code: string; message: string };

const DECLINES: Record<string, Decline> = {
  pm_card_chargeDeclined: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
  pm_card_visa_chargeDeclined: { code: "card_declined", decline_code: "generic_decline", message: "Your card was declined." },
  pm_card_chargeDeclinedInsufficientFunds: { code: "card_declined", decline_code: "insufficient_funds", message: "Your card has insufficient funds." },
  pm_card_chargeDeclinedFraudulent: { code: "card_declined", decline_code: "fraudulent", message: "Your card was declined." },
};

export const declineFor = (paymentMethod: string | undefined): Decline | null => (paymentMethod ? (DECLINES[paymentMethod] ?? null) : null);

const card = (ctx: Ctx) => ({
  amount_authorized: null,
  authorization_code: null,
  brand: "visa",
  checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" },
  country: "US",
  electronic_commerce_indicator: null,
  exp_month: 12,
  exp_year: new Date(ctx.now * 1000).getUTCFullYear() + 3,
  fingerprint: "Xt5EWLLDS7FJjR1c",
  funding: "credit",
  installments: null,
  last4: "4242",
  mandate: null,
  network: "visa",
  network_transaction_id: null,
  regulated_status: "unregulated" as const,
  three_d_secure: null,
  transaction_link_id: null,
  wallet: null,
});

/** A charge for a payment intent's attempt; `decline` makes it a failed one. */
export function newCharge(ctx: Ctx, pi: PaymentIntent, paymentMethod: string, decline: Decline | null): Charge {
  const id = ctx.id("ch");
  return {
    id,
    object: "charge",
    amount: pi.amount,
    amount_captured: decline ? 0 : pi.amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: decline ? null : ctx.id("txn"),
    billing_details: { address: null, email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: "SANDBOX",
    captured: !decline,
    created: ctx.now,
    currency: pi.currency,
    customer: pi.customer,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    fraud_details: {},
    livemode: false,
    metadata: {},
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: decline ? "declined_by_network" : "approved_by_network",
      reason: decline?.decline_code ?? null,
      risk_level: "normal",
      seller_message: decline ? "The bank did not return any further details with this decline." : "Payment complete.",
      type: decline ? "issuer_declined" : "authorized",
    },
    paid: !decline,
    payment_intent: pi.id,
    payment_method: paymentMethod,
    payment_method_details: { card: card(ctx), type: "card" },
    receipt_email: null,
    receipt_number: null,
    receipt_url: decline ? null : `https://pay.stripe.com/receipts/payment/${ctx.id("rcpt", 40).slice(5)}`,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: decline ? "failed" : "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

export type RefundInput = { amount: number; reason: Refund["reason"]; metadata: Record<string, string> };

export function newRefund(ctx: Ctx, charge: Charge, input: RefundInput): Refund {
  return {
    id: ctx.id("re"),
    object: "refund",
    amount: input.amount,
    balance_transaction: ctx.id("txn"),
    charge: charge.id,
    created: ctx.now,
    currency: charge.currency,
    customer: typeof charge.customer === "string" ? charge.customer : null,
    customer_account: null,
    destination_details: { card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" },
    metadata: input.metadata,
    payment_intent: typeof charge.payment_intent === "string" ? charge.payment_intent : null,
    payment_method: charge.payment_method,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: "succeeded",
    transfer_reversal: null,
  };
}
