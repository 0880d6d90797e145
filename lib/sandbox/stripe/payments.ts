/**
 * Money moving: paying an invoice (its default PaymentIntent, or out of band), attaching other
 * PaymentIntents or Payment Records (payments made outside Stripe) as partial payments,
 * confirming intents with test cards, and refunds. Since 2025-03-31.basil an invoice links to
 * payments only through InvoicePayment objects, and its `amount_paid` counts out-of-band payments
 * too; since 2025-10-29.clover a reported Payment Record can be attached to an invoice.
 * https://docs.stripe.com/api/invoices/pay
 * https://docs.stripe.com/invoicing/partial-payments
 * https://docs.stripe.com/changelog/clover/2025-10-29/invoicing-payment-records
 * https://docs.stripe.com/api/refunds/create
 */
import { declineFor, newCharge, newRefund, type Decline } from "./charges";
import { changes, copy, type Ctx } from "./context";
import { fail, StripeApiError } from "./errors";
import { addPayment, cancelDefaultPayment, credit, defaultPayment, finalize, openDefaultPayment, paymentsForIntent } from "./lifecycle";
import { formatAmount } from "./money";
import { newInvoicePayment, newPaymentRecord } from "./objects";
import { insert } from "./table";
import { paymentRecordsOf, type Charge, type Invoice, type InvoicePayment, type PaymentIntent, type PaymentRecord, type Refund } from "./types";

function payable(ctx: Ctx, inv: Invoice): boolean {
  if (inv.status === "draft") finalize(ctx, inv); // Stripe finalizes a draft before paying it
  if (inv.status === "paid") {
    if (inv.amount_due === 0) return false; // finalizing paid it
    throw fail.state("Invoice is already paid.", "invoice_not_editable");
  }
  if (inv.status === "void") throw fail.state("This invoice has been voided and can no longer be paid.", "invoice_not_editable");
  return true;
}

function cardError(decline: Decline, charge: Charge, intent?: PaymentIntent): StripeApiError {
  return new StripeApiError(402, { type: "card_error", code: decline.code, decline_code: decline.decline_code, message: decline.message, charge: charge.id, ...(intent ? { payment_intent: intent } : {}) });
}

/** The invoice payments (default or attached) that wait on `intent`. */
function paymentsOf(ctx: Ctx, intent: PaymentIntent): { payment: InvoicePayment; inv: Invoice }[] {
  const out: { payment: InvoicePayment; inv: Invoice }[] = [];
  for (const payment of paymentsForIntent(ctx, intent.id)) {
    if (payment.status !== "open") continue;
    const inv = ctx.data.invoices.byId[payment.invoice as string];
    if (inv) out.push({ payment, inv });
  }
  return out;
}

/**
 * One attempt to charge `intent` with a test payment method. A success credits the invoices the
 * intent pays; a decline is answered with the 402 card_error (after its events are recorded).
 */
export function confirmIntent(ctx: Ctx, intent: PaymentIntent, paymentMethod = "pm_card_visa"): Charge {
  if (intent.status === "succeeded" || intent.status === "canceled") {
    throw fail.state(`You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`, "payment_intent_unexpected_state");
  }
  const decline = declineFor(paymentMethod);
  const pm = paymentMethod.startsWith("pm_card_") ? ctx.id("pm") : paymentMethod;
  const charge = insert(ctx.data.charges, newCharge(ctx, intent, pm, decline));
  intent.latest_charge = charge.id;
  intent.payment_method = pm;
  const waiting = paymentsOf(ctx, intent);
  if (decline) {
    intent.status = "requires_payment_method";
    intent.last_payment_error = { type: "card_error", code: decline.code, decline_code: decline.decline_code, message: decline.message, charge: charge.id };
    ctx.emit("charge.failed", charge);
    ctx.emit("payment_intent.payment_failed", intent);
    for (const { payment, inv } of waiting) {
      if (!payment.is_default) continue;
      const before = copy(inv);
      inv.attempted = true;
      inv.attempt_count += 1;
      ctx.emit("invoice.updated", inv, changes(before, inv));
      ctx.emit("invoice.payment_failed", inv);
    }
    // Invoice payments answer with the charge; a direct confirmation with the intent too.
    throw cardError(decline, charge, waiting.some((w) => w.payment.is_default) ? undefined : intent);
  }
  intent.status = "succeeded";
  intent.amount_received = intent.amount;
  intent.last_payment_error = null;
  ctx.emit("charge.succeeded", charge);
  ctx.emit("payment_intent.succeeded", intent);
  for (const { payment, inv } of waiting) applyIntent(ctx, inv, payment, intent);
  return charge;
}

function markPaid(ctx: Ctx, payment: InvoicePayment, amount: number): void {
  payment.status = "paid";
  payment.amount_paid = amount;
  payment.status_transitions.paid_at = ctx.now;
  ctx.emit("invoice_payment.paid", payment);
}

/** POST /v1/invoices/:id/pay: charges what remains, or records it as paid outside Stripe. */
export function payInvoice(ctx: Ctx, inv: Invoice, opts: { paymentMethod?: string; outOfBand?: boolean }): void {
  if (!payable(ctx, inv)) return;
  const amount = inv.amount_remaining;
  if (opts.outOfBand) {
    const before = copy(inv);
    cancelDefaultPayment(ctx, inv, "abandoned");
    // Stripe keeps an out-of-band payment as a Payment Record of its own.
    const record = insert(
      paymentRecordsOf(ctx.data),
      newPaymentRecord(ctx, {
        currency: inv.currency,
        amount,
        outcome: "guaranteed",
        customer: { customer: inv.customer as string, email: inv.customer_email, name: inv.customer_name ?? null, phone: inv.customer_phone ?? null },
        customerPresence: null,
        description: null,
        metadata: {},
        method: { type: "custom", display_name: "Paid out of band", custom_type: null },
        paymentReference: null,
      }),
    );
    const payment = addPayment(ctx, newInvoicePayment(ctx, { invoice: inv, amount, isDefault: false, payment: { type: "payment_record", payment_record: record.id } }));
    markPaid(ctx, payment, amount);
    credit(ctx, inv, amount);
    ctx.emit("invoice.updated", inv, changes(before, inv));
    ctx.emit("invoice.paid", inv);
    return;
  }
  // An open invoice whose default payment was canceled gets a new one.
  const found = defaultPayment(ctx, inv) ?? openDefaultPayment(ctx, inv);
  found.intent.amount = amount;
  found.payment.amount_requested = amount;
  confirmIntent(ctx, found.intent, opts.paymentMethod);
}

/** POST /v1/invoices/:id/attach_payment: a separate PaymentIntent pays part (or all) of it. */
export function attachPayment(ctx: Ctx, inv: Invoice, intent: PaymentIntent): void {
  if (inv.status !== "open" && inv.status !== "uncollectible") throw fail.state(`You can only attach payments to open invoices; this invoice is ${inv.status}.`, "invoice_not_editable");
  if (intent.currency !== inv.currency) throw fail.invalidParam("payment_intent", `The PaymentIntent's currency (${intent.currency}) must match the invoice's currency (${inv.currency}).`);
  const taken = paymentsForIntent(ctx, intent.id).some((p) => p.status !== "canceled");
  if (taken) throw fail.invalidParam("payment_intent", `The PaymentIntent ${intent.id} is already attached to an invoice.`);
  const payment = addPayment(ctx, newInvoicePayment(ctx, { invoice: inv, amount: intent.amount, isDefault: false, payment: { type: "payment_intent", payment_intent: intent.id } }));
  if (intent.status === "succeeded") applyIntent(ctx, inv, payment, intent);
}

/**
 * POST /v1/invoices/:id/attach_payment with `payment_record`: a payment made outside Stripe pays
 * part (or all) of the invoice; a record still pending waits as an open invoice payment.
 */
export function attachRecord(ctx: Ctx, inv: Invoice, record: PaymentRecord): void {
  if (inv.status !== "open" && inv.status !== "uncollectible") throw fail.state(`You can only attach payments to open invoices; this invoice is ${inv.status}.`, "invoice_not_editable");
  if (record.amount.currency !== inv.currency) throw fail.invalidParam("payment_record", `The PaymentRecord's currency (${record.amount.currency}) must match the invoice's currency (${inv.currency}).`);
  if (record.amount_failed.value > 0 || record.amount_canceled.value > 0) throw fail.invalidParam("payment_record", `The PaymentRecord ${record.id} failed or was canceled and can't pay an invoice.`);
  const taken = Object.values(ctx.data.invoicePayments.byId).some((p) => p.payment.payment_record === record.id && p.status !== "canceled");
  if (taken) throw fail.invalidParam("payment_record", `The PaymentRecord ${record.id} is already attached to an invoice.`);
  const payment = addPayment(ctx, newInvoicePayment(ctx, { invoice: inv, amount: record.amount.value, isDefault: false, payment: { type: "payment_record", payment_record: record.id } }));
  if (record.amount_guaranteed.value > 0) applyAmount(ctx, inv, payment, record.amount_guaranteed.value);
}

function applyIntent(ctx: Ctx, inv: Invoice, payment: InvoicePayment, intent: PaymentIntent): void {
  applyAmount(ctx, inv, payment, intent.amount_received);
}

/** Marks `payment` paid with `amount` and credits the invoice, with the events Stripe sends. */
function applyAmount(ctx: Ctx, inv: Invoice, payment: InvoicePayment, amount: number): void {
  const before = copy(inv);
  if (payment.is_default) {
    inv.attempted = true;
    inv.attempt_count += 1;
  }
  markPaid(ctx, payment, amount);
  credit(ctx, inv, amount);
  ctx.emit("invoice.updated", inv, changes(before, inv));
  if (inv.amount_overpaid > before.amount_overpaid) ctx.emit("invoice.overpaid", inv);
  if (inv.status === "paid") {
    ctx.emit("invoice.paid", inv);
    ctx.emit("invoice.payment_succeeded", inv);
  }
}

/** The invoice whose default payment `intent` is: such intents can't be canceled directly. */
export function defaultOf(ctx: Ctx, intent: PaymentIntent): string | null {
  return (paymentsForIntent(ctx, intent.id).find((p) => p.is_default)?.invoice as string | undefined) ?? null;
}

/** A full or partial refund of a succeeded charge; the invoice it paid stays paid, as in Stripe. */
export function refundCharge(ctx: Ctx, charge: Charge, input: { amount?: number; reason: Refund["reason"]; metadata: Record<string, string> }): Refund {
  if (charge.status !== "succeeded") throw fail.state(`Charge ${charge.id} has not succeeded, so it can't be refunded.`, "charge_not_refundable");
  const left = charge.amount - charge.amount_refunded;
  if (left <= 0) throw fail.state(`Charge ${charge.id} has already been refunded.`, "charge_already_refunded");
  const amount = input.amount ?? left;
  if (amount > left) {
    throw fail.invalidParam("amount", `Refund amount (${formatAmount(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatAmount(left, charge.currency)})`);
  }
  const before = copy(charge);
  const refund = insert(ctx.data.refunds, newRefund(ctx, charge, { amount, reason: input.reason, metadata: input.metadata }));
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  ctx.emit("refund.created", refund);
  ctx.emit("charge.refunded", charge, changes(before, charge));
  return refund;
}
