/**
 * How payments and invoices hold each other: a Payment line links an invoice
 * (LinkedTxn [{TxnId, TxnType: "Invoice"}]) and the invoice lists the payment in its own
 * LinkedTxn; applying lowers the invoice's Balance (paid = Balance 0) and counts as a change
 * to the invoice (new SyncToken, an Update webhook). A customer's Balance is what they owe:
 * open invoice balances minus unapplied payments.
 */
import { cents, fromCents } from "./money";
import { touch, type WriteContext } from "./store";
import type { Invoice, QuickbooksData } from "./types";

export function adjustCustomerBalance(data: QuickbooksData, customerId: string, deltaCents: number): void {
  const customer = data.Customer[customerId];
  if (!customer || deltaCents === 0) return;
  customer.Balance = fromCents(cents(customer.Balance) + deltaCents);
  customer.BalanceWithJobs = customer.Balance;
}

/** Applies (positive) or removes (negative) part of a payment on an invoice. */
export function applyToInvoice(ctx: WriteContext, invoice: Invoice, paymentId: string, amountCents: number, stillLinked: boolean): void {
  invoice.Balance = fromCents(cents(invoice.Balance) - amountCents);
  const linked = invoice.LinkedTxn.some((l) => l.TxnId === paymentId && l.TxnType === "Payment");
  if (stillLinked && !linked) invoice.LinkedTxn.push({ TxnId: paymentId, TxnType: "Payment" });
  if (!stillLinked && linked) invoice.LinkedTxn = invoice.LinkedTxn.filter((l) => !(l.TxnId === paymentId && l.TxnType === "Payment"));
  touch(invoice, ctx.now);
  ctx.notify("Invoice", invoice.Id, "Update", ctx.now);
}

/** Before an invoice is deleted or voided, its payments become unapplied credit. */
export function detachPayments(ctx: WriteContext, invoice: Invoice): void {
  for (const link of invoice.LinkedTxn) {
    if (link.TxnType !== "Payment") continue;
    const payment = ctx.data.Payment[link.TxnId];
    if (!payment) continue;
    let released = 0;
    payment.Line = payment.Line.filter((line) => {
      const hit = line.LinkedTxn.some((l) => l.TxnId === invoice.Id && l.TxnType === "Invoice");
      if (hit) released += cents(line.Amount);
      return !hit;
    });
    payment.UnappliedAmt = fromCents(cents(payment.UnappliedAmt) + released);
    invoice.Balance = fromCents(cents(invoice.Balance) + released);
    touch(payment, ctx.now);
    ctx.notify("Payment", payment.Id, "Update", ctx.now);
  }
  invoice.LinkedTxn = invoice.LinkedTxn.filter((l) => l.TxnType !== "Payment");
}

/** Cents of payments applied to an invoice (its total minus what is still open). */
export function appliedCents(invoice: Invoice): number {
  return cents(invoice.TotalAmt) - cents(invoice.Balance);
}
