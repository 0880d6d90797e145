/**
 * The invoice lifecycle: draft (editable, lines from invoice items) → open via finalize (number
 * assigned, a default payment created) → paid, void or uncollectible; drafts can be deleted.
 * https://docs.stripe.com/invoicing/overview#invoice-lifecycle
 * https://docs.stripe.com/invoicing/integration/workflow-transitions
 */
import { changes, copy, type Ctx } from "./context";
import { fail } from "./errors";
import { lineFor, newInvoicePayment, newPaymentIntent } from "./objects";
import { insert } from "./table";
import type { Invoice, InvoiceItem, InvoicePayment, PaymentIntent } from "./types";

/** Totals from the lines (no tax or discounts modelled): what is due is never negative. */
export function recompute(inv: Invoice): void {
  const subtotal = inv.lines.data.reduce((sum, line) => sum + line.amount, 0);
  inv.subtotal = subtotal;
  inv.subtotal_excluding_tax = subtotal;
  inv.total = subtotal;
  inv.total_excluding_tax = subtotal;
  inv.amount_due = Math.max(0, subtotal + inv.starting_balance);
  inv.amount_remaining = Math.max(0, inv.amount_due - inv.amount_paid);
}

export function attachItem(ctx: Ctx, inv: Invoice, item: InvoiceItem): void {
  item.invoice = inv.id;
  inv.lines.data.push(lineFor(ctx, item, inv.id));
  recompute(inv);
}

export function detachItem(inv: Invoice, itemId: string): void {
  inv.lines.data = inv.lines.data.filter((line) => line.parent?.invoice_item_details?.invoice_item !== itemId);
  recompute(inv);
}

/** The open default payment Stripe keeps in step with `amount_remaining`, and its intent. */
export function defaultPayment(ctx: Ctx, inv: Invoice): { payment: InvoicePayment; intent: PaymentIntent } | null {
  for (const id of ctx.data.paymentsByInvoice[inv.id] ?? []) {
    const payment = ctx.data.invoicePayments.byId[id];
    const intentId = payment?.payment.payment_intent;
    const intent = typeof intentId === "string" ? ctx.data.paymentIntents.byId[intentId] : undefined;
    if (payment?.is_default && payment.status === "open" && intent) return { payment, intent };
  }
  return null;
}

export function addPayment(ctx: Ctx, payment: InvoicePayment): InvoicePayment {
  insert(ctx.data.invoicePayments, payment);
  (ctx.data.paymentsByInvoice[payment.invoice as string] ??= []).push(payment.id);
  const intent = payment.payment.payment_intent;
  if (typeof intent === "string") (ctx.data.paymentsByIntent[intent] ??= []).push(payment.id);
  return payment;
}

/** The invoice payments `intentId` pays (or paid), oldest first. */
export function paymentsForIntent(ctx: Ctx, intentId: string): InvoicePayment[] {
  return (ctx.data.paymentsByIntent[intentId] ?? []).map((id) => ctx.data.invoicePayments.byId[id]!);
}

/** The default payment finalization creates: a PaymentIntent for what remains, and its InvoicePayment. */
export function openDefaultPayment(ctx: Ctx, inv: Invoice): { payment: InvoicePayment; intent: PaymentIntent } {
  const intent = insert(ctx.data.paymentIntents, newPaymentIntent(ctx, { amount: inv.amount_remaining, currency: inv.currency, customer: inv.customer as string, description: "Payment for Invoice" }));
  const payment = addPayment(ctx, newInvoicePayment(ctx, { invoice: inv, amount: inv.amount_remaining, isDefault: true, payment: { type: "payment_intent", payment_intent: intent.id } }));
  ctx.emit("payment_intent.created", intent);
  return { payment, intent };
}

/** Cancels the default payment when the invoice no longer needs it (paid elsewhere, voided). */
export function cancelDefaultPayment(ctx: Ctx, inv: Invoice, reason: "void_invoice" | "abandoned"): void {
  const found = defaultPayment(ctx, inv);
  if (!found) return;
  found.payment.status = "canceled";
  found.payment.status_transitions.canceled_at = ctx.now;
  found.intent.status = "canceled";
  found.intent.canceled_at = ctx.now;
  found.intent.cancellation_reason = reason;
  ctx.emit("payment_intent.canceled", found.intent);
}

/** Credits `amount` received to the invoice; paid once nothing remains. */
export function credit(ctx: Ctx, inv: Invoice, amount: number): void {
  inv.amount_paid += amount;
  inv.amount_remaining = Math.max(0, inv.amount_due - inv.amount_paid);
  inv.amount_overpaid = Math.max(0, inv.amount_paid - inv.amount_due);
  const found = defaultPayment(ctx, inv);
  if (inv.amount_remaining === 0) {
    inv.status = "paid";
    inv.status_transitions.paid_at = ctx.now;
    inv.next_payment_attempt = null;
    if (found && found.intent.status !== "succeeded") cancelDefaultPayment(ctx, inv, "abandoned");
  } else if (found) {
    found.payment.amount_requested = inv.amount_remaining;
    found.intent.amount = inv.amount_remaining;
  }
}

function nextNumber(ctx: Ctx, inv: Invoice): string {
  const customer = ctx.data.customers.byId[inv.customer as string];
  if (!customer) return `${ctx.id("x", 8).slice(2).toUpperCase()}-0001`;
  const seq = customer.next_invoice_sequence ?? 1;
  customer.next_invoice_sequence = seq + 1;
  return `${customer.invoice_prefix}-${String(seq).padStart(4, "0")}`;
}

export function finalize(ctx: Ctx, inv: Invoice, autoAdvance?: boolean): void {
  if (inv.status !== "draft") throw fail.state("This invoice is already finalized, you can't re-finalize a non-draft invoice.", "invoice_not_editable");
  const before = copy(inv);
  const customer = ctx.data.customers.byId[inv.customer as string];
  if (customer) {
    inv.customer_name = customer.name ?? null;
    inv.customer_email = customer.email;
    inv.customer_address = customer.address ?? null;
    inv.customer_phone = customer.phone ?? null;
  }
  inv.number ??= nextNumber(ctx, inv);
  inv.status = "open";
  inv.status_transitions.finalized_at = ctx.now;
  inv.effective_at ??= ctx.now;
  if (autoAdvance !== undefined) inv.auto_advance = autoAdvance;
  const token = ctx.id("test", 40).slice(5);
  inv.hosted_invoice_url = `https://invoice.stripe.com/i/${ctx.accountId}/test_${token}?s=ap`;
  inv.invoice_pdf = `https://pay.stripe.com/invoice/${ctx.accountId}/test_${token}/pdf?s=ap`;
  // Zero-amount invoices are paid the moment they are finalized.
  if (inv.amount_due === 0) {
    inv.status = "paid";
    inv.status_transitions.paid_at = ctx.now;
  } else {
    openDefaultPayment(ctx, inv);
  }
  ctx.emit("invoice.updated", inv, changes(before, inv));
  ctx.emit("invoice.finalized", inv);
  if (inv.status === "paid") ctx.emit("invoice.paid", inv);
}

export function voidInvoice(ctx: Ctx, inv: Invoice): void {
  if (inv.status === "draft") throw fail.state("You can't void a draft invoice. Delete the draft instead.", "invoice_not_editable");
  if (inv.status === "void") throw fail.state("This invoice is already void.", "invoice_not_editable");
  if (inv.status === "paid") throw fail.state("This invoice is already paid and can't be voided.", "invoice_not_editable");
  if (inv.amount_paid > 0) throw fail.state("This invoice has payments applied and can't be voided. Refund the payments or issue a credit note instead.", "invoice_not_editable");
  const before = copy(inv);
  cancelDefaultPayment(ctx, inv, "void_invoice");
  inv.status = "void";
  inv.status_transitions.voided_at = ctx.now;
  inv.next_payment_attempt = null;
  ctx.emit("invoice.updated", inv, changes(before, inv));
  ctx.emit("invoice.voided", inv);
}

export function markUncollectible(ctx: Ctx, inv: Invoice): void {
  if (inv.status !== "open") throw fail.state(`You can only mark open invoices as uncollectible; this invoice is ${inv.status}.`, "invoice_not_editable");
  const before = copy(inv);
  inv.status = "uncollectible";
  inv.status_transitions.marked_uncollectible_at = ctx.now;
  inv.next_payment_attempt = null;
  ctx.emit("invoice.updated", inv, changes(before, inv));
  ctx.emit("invoice.marked_uncollectible", inv);
}
