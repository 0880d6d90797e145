/**
 * Credit notes, as Stripe applies them since 2025-11-17.clover: a credit note first lowers what
 * the invoice still owes (`pre_payment_amount`, down to zero, which pays the invoice), and the
 * rest (`post_payment_amount`) must be split between a customer balance credit (`credit_amount`)
 * and money returned outside Stripe (`out_of_band_amount`). What may be credited after payment
 * is what was paid, less earlier post-payment credit notes and Refund API refunds of the
 * invoice's payments. Voiding undoes a credit note's effects.
 * Refunds through a credit note (`refund_amount`, `refunds`) are not modelled: refund the charge
 * with POST /v1/refunds instead.
 * https://docs.stripe.com/api/credit_notes/create
 * https://docs.stripe.com/invoicing/dashboard/credit-notes
 */
import { changes, copy, type Ctx } from "./context";
import { fail } from "./errors";
import { cancelDefaultPayment, defaultPayment } from "./lifecycle";
import { formatAmount, timesQuantity } from "./money";
import { insert } from "./table";
import { creditNotesOf, type CreditNote, type CreditNoteLine, type Invoice } from "./types";

export type CreditLineInput =
  | { type: "custom_line_item"; description?: string; quantity?: number; unit_amount?: number; unit_amount_decimal?: string; metadata?: Record<string, string> }
  | { type: "invoice_line_item"; invoice_line_item: string; amount?: number; quantity?: number; metadata?: Record<string, string> };

export type CreditNoteInput = {
  amount?: number;
  lines?: CreditLineInput[];
  creditAmount: number;
  outOfBandAmount: number;
  effectiveAt: number | null;
  memo: string | null;
  metadata: Record<string, string>;
  reason: CreditNote["reason"];
};

function lineOf(ctx: Ctx, inv: Invoice, input: CreditLineInput, index: number): CreditNoteLine {
  const base = {
    id: ctx.id("cnli"),
    object: "credit_note_line_item" as const,
    discount_amount: 0,
    discount_amounts: [],
    livemode: false,
    metadata: input.metadata ?? {},
    pretax_credit_amounts: [],
    tax_rates: [],
    taxes: [],
  };
  if (input.type === "custom_line_item") {
    const quantity = input.quantity ?? 1;
    if (input.unit_amount !== undefined && input.unit_amount_decimal !== undefined) {
      throw fail.invalidParam(`lines[${index}][unit_amount]`, "You may only specify one of these parameters: unit_amount, unit_amount_decimal.", "parameters_exclusive");
    }
    const unit = input.unit_amount_decimal ?? (input.unit_amount !== undefined ? String(input.unit_amount) : undefined);
    if (unit === undefined) throw fail.missingParam(`lines[${index}][unit_amount]`);
    return { ...base, type: "custom_line_item", amount: timesQuantity(unit, quantity), description: input.description ?? null, quantity, unit_amount: input.unit_amount ?? null, unit_amount_decimal: unit };
  }
  const line = inv.lines.data.find((l) => l.id === input.invoice_line_item);
  if (!line) throw fail.invalidParam(`lines[${index}][invoice_line_item]`, `No such invoice line item: '${input.invoice_line_item}' on invoice ${inv.id}.`);
  const unit = line.pricing?.unit_amount_decimal ?? String(line.amount);
  const amount = input.amount ?? (input.quantity !== undefined ? timesQuantity(unit, input.quantity) : line.amount);
  if (amount > line.amount) throw fail.invalidParam(`lines[${index}][amount]`, `The amount to credit (${formatAmount(amount, inv.currency)}) exceeds the line's amount (${formatAmount(line.amount, inv.currency)}).`);
  return { ...base, type: "invoice_line_item", invoice_line_item: line.id, amount, description: line.description, quantity: input.quantity ?? line.quantity ?? 1, unit_amount: null, unit_amount_decimal: unit };
}

/** What Refund API refunds returned of the invoice's payments: a credit note may not credit that again. */
function refundedOf(ctx: Ctx, inv: Invoice): number {
  const intents = new Set<string>();
  for (const id of ctx.data.paymentsByInvoice[inv.id] ?? []) {
    const payment = ctx.data.invoicePayments.byId[id];
    const intent = payment?.payment.payment_intent;
    if (payment?.status === "paid" && typeof intent === "string") intents.add(intent);
  }
  if (intents.size === 0) return 0;
  let total = 0;
  for (const id of ctx.data.refunds.order) {
    const refund = ctx.data.refunds.byId[id]!;
    if (refund.status === "succeeded" && typeof refund.payment_intent === "string" && intents.has(refund.payment_intent)) total += refund.amount;
  }
  return total;
}

/** Keeps the open default payment asking for what remains, or pays the invoice when nothing does. */
function followRemaining(ctx: Ctx, inv: Invoice): void {
  const found = defaultPayment(ctx, inv);
  if (inv.amount_remaining === 0 && inv.status !== "paid") {
    inv.status = "paid";
    inv.status_transitions.paid_at = ctx.now;
    inv.next_payment_attempt = null;
    if (found) cancelDefaultPayment(ctx, inv, "abandoned");
  } else if (found) {
    found.payment.amount_requested = inv.amount_remaining;
    found.intent.amount = inv.amount_remaining;
  }
}

export function issueCreditNote(ctx: Ctx, inv: Invoice, input: CreditNoteInput): CreditNote {
  if (inv.status === "draft") throw fail.state("You can't create a credit note for a draft invoice. Finalize the invoice first.", "invoice_not_editable", "invoice");
  if (inv.status === "void") throw fail.state("You can't create a credit note for a void invoice.", "invoice_not_editable", "invoice");
  if (input.amount !== undefined && input.lines !== undefined) throw fail.invalidParam("amount", "You may only specify one of these parameters: amount, lines.", "parameters_exclusive");
  if (input.amount === undefined && input.lines === undefined) throw fail.missingParam("amount");
  const lines = (input.lines ?? []).map((line, i) => lineOf(ctx, inv, line, i));
  const total = input.amount ?? lines.reduce((sum, l) => sum + l.amount, 0);
  if (total <= 0) throw fail.invalidParam("amount", "The credit note total must be greater than zero.");

  const pre = Math.min(total, inv.amount_remaining);
  const post = total - pre;
  const creditable = inv.amount_paid - inv.post_payment_credit_notes_amount - refundedOf(ctx, inv);
  if (post > creditable) {
    throw fail.invalidParam(
      "amount",
      `The credit note's post-payment amount (${formatAmount(post, inv.currency)}) exceeds what can still be credited on invoice ${inv.id} after payment (${formatAmount(Math.max(0, creditable), inv.currency)}).`,
    );
  }
  if (input.creditAmount + input.outOfBandAmount !== post) {
    throw fail.invalidParam(
      "out_of_band_amount",
      `The sum of credit_amount, refund_amount and out_of_band_amount (${formatAmount(input.creditAmount + input.outOfBandAmount, inv.currency)}) must equal the credit note's post-payment amount (${formatAmount(post, inv.currency)}).`,
    );
  }
  const customer = ctx.data.customers.byId[inv.customer as string];
  if (input.creditAmount > 0 && !customer) throw fail.state(`The customer of invoice ${inv.id} was deleted: no balance to credit.`, undefined, "credit_amount");

  const before = copy(inv);
  const table = creditNotesOf(ctx.data);
  const sequence = table.order.filter((id) => table.byId[id]!.invoice === inv.id).length + 1;
  const id = ctx.id("cn");
  const note: CreditNote = insert(table, {
    id,
    object: "credit_note",
    amount: total,
    amount_shipping: 0,
    created: ctx.now,
    currency: inv.currency,
    customer: inv.customer as string,
    customer_account: null,
    customer_balance_transaction: input.creditAmount > 0 ? ctx.id("cbtxn") : null,
    discount_amount: 0,
    discount_amounts: [],
    effective_at: input.effectiveAt ?? ctx.now,
    invoice: inv.id,
    lines: { object: "list", data: lines, has_more: false, url: `/v1/credit_notes/${id}/lines` },
    livemode: false,
    memo: input.memo,
    metadata: input.metadata,
    number: `${inv.number ?? inv.id}-CN-${String(sequence).padStart(2, "0")}`,
    out_of_band_amount: input.outOfBandAmount > 0 ? input.outOfBandAmount : null,
    pdf: `https://pay.stripe.com/credit_notes/${ctx.accountId}/test_${ctx.id("x", 40).slice(2)}/pdf?s=ap`,
    post_payment_amount: post,
    pre_payment_amount: pre,
    pretax_credit_amounts: [],
    reason: input.reason,
    refunds: [],
    shipping_cost: null,
    status: "issued",
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
    total_taxes: [],
    type: pre > 0 && post > 0 ? "mixed" : pre > 0 ? "pre_payment" : "post_payment",
    voided_at: null,
  });
  if (input.creditAmount > 0 && customer) {
    // A negative balance is credit the customer's next invoice uses.
    customer.balance -= input.creditAmount;
    ctx.emit("customer.updated", customer, { balance: customer.balance + input.creditAmount });
  }
  inv.pre_payment_credit_notes_amount += pre;
  inv.post_payment_credit_notes_amount += post;
  inv.amount_due -= pre;
  inv.amount_remaining -= pre;
  followRemaining(ctx, inv);
  ctx.emit("credit_note.created", note);
  ctx.emit("invoice.updated", inv, changes(before, inv));
  if (before.status !== "paid" && inv.status === "paid") ctx.emit("invoice.paid", inv);
  return note;
}

/**
 * Voids a credit note and undoes what it did. One whose pre-payment part lowered an invoice that
 * is now paid is refused: the sandbox does not reopen paid invoices.
 */
export function voidCreditNote(ctx: Ctx, note: CreditNote): CreditNote {
  if (note.status === "void") throw fail.state("This credit note has already been voided.", "credit_note_already_voided");
  const inv = ctx.data.invoices.byId[note.invoice];
  if (!inv) throw fail.state(`The invoice of credit note ${note.id} no longer exists.`);
  if (note.pre_payment_amount > 0 && inv.status === "paid") {
    throw fail.state(`Credit note ${note.id} lowered what invoice ${inv.id} owed and the invoice is paid now; the sandbox cannot reopen it, so the credit note can't be voided.`, "credit_note_not_voidable");
  }
  const before = copy(inv);
  const previous = { status: note.status, voided_at: note.voided_at };
  note.status = "void";
  note.voided_at = ctx.now;
  inv.pre_payment_credit_notes_amount -= note.pre_payment_amount;
  inv.post_payment_credit_notes_amount -= note.post_payment_amount;
  inv.amount_due += note.pre_payment_amount;
  inv.amount_remaining += note.pre_payment_amount;
  followRemaining(ctx, inv);
  const credited = note.post_payment_amount - (note.out_of_band_amount ?? 0);
  const customer = ctx.data.customers.byId[note.customer];
  if (credited > 0 && customer) {
    customer.balance += credited;
    ctx.emit("customer.updated", customer, { balance: customer.balance - credited });
  }
  ctx.emit("credit_note.voided", note, previous);
  ctx.emit("invoice.updated", inv, changes(before, inv));
  return note;
}
