/**
 * Payments: received money, applied to invoices through Line[].LinkedTxn. What is not applied
 * stays as UnappliedAmt (credit). An update re-applies from scratch (sending Line replaces the
 * applications); delete and void give the invoices their balances back. Voiding is
 * `POST /payment?operation=update&include=void`.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment
 */
import { customerFor, transactionCurrency } from "./customers";
import { faults } from "./errors";
import type { DeletedStub } from "./invoices";
import { adjustCustomerBalance, applyToInvoice } from "./links";
import { cents, fromCents, toCents } from "./money";
import type { Parsed } from "./schemas";
import { bury, current, newMeta, nextId, touch, type WriteContext } from "./store";
import { localDate } from "./time";
import { currencyRef, type Customer, type Payment, type PaymentLine, type Ref } from "./types";

type Fields = Parsed<"Payment">["fields"];

/**
 * The Undeposited Funds account (an Other Current Asset) of Intuit's sample company: payments
 * received without a DepositToAccountRef land there, and QuickBooks answers with its ref.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment
 */
export const UNDEPOSITED_FUNDS: Ref = { value: "4", name: "Undeposited Funds" };
type Applications = Map<string, number>;

/** Invoice Id → cents this payment applies to it. */
function applicationsOf(payment: Payment): Applications {
  const apps: Applications = new Map();
  for (const line of payment.Line) for (const link of line.LinkedTxn) if (link.TxnType === "Invoice") apps.set(link.TxnId, (apps.get(link.TxnId) ?? 0) + cents(line.Amount));
  return apps;
}

/** Reads and checks the lines a client sent; `already` is what this payment applied before. */
function resolveLines(ctx: WriteContext, customer: Customer, input: NonNullable<Fields["Line"]>, already: Applications): { lines: PaymentLine[]; apps: Applications } {
  const apps: Applications = new Map();
  const lines: PaymentLine[] = [];
  for (const line of input) {
    if (line.Amount === undefined) throw faults.required("Line.Amount");
    const link = line.LinkedTxn?.[0];
    if (!link) throw faults.required("Line.LinkedTxn");
    if (link.TxnType !== "Invoice") throw faults.invalidProperty(`Line.LinkedTxn.TxnType (${link.TxnType})`, "TxnType");
    const amount = toCents(line.Amount)!;
    if (amount <= 0) throw faults.business("The amount applied to a transaction must be greater than zero.");
    const invoice = ctx.data.Invoice[link.TxnId];
    if (!invoice) throw faults.invalidReference(`Transaction id ${link.TxnId} of type Invoice not found`);
    if (invoice.CustomerRef.value !== customer.Id) throw faults.business(`Invoice ${invoice.DocNumber} belongs to another customer.`);
    apps.set(invoice.Id, (apps.get(invoice.Id) ?? 0) + amount);
    const open = cents(invoice.Balance) + (already.get(invoice.Id) ?? 0);
    if (apps.get(invoice.Id)! > open) throw faults.business(`The amount applied to invoice ${invoice.DocNumber} (${fromCents(apps.get(invoice.Id)!)}) exceeds its open balance (${fromCents(open)}).`);
    const { Amount: _amount, LinkedTxn: _links, ...rest } = line;
    lines.push({ ...rest, Amount: fromCents(amount), LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] });
  }
  return { lines, apps };
}

function total(value: Fields["TotalAmt"]): number {
  if (value === undefined) throw faults.required("TotalAmt");
  const amount = toCents(value)!;
  if (amount < 0) throw faults.business("The payment amount can't be negative.");
  return amount;
}

function checkApplied(apps: Applications, totalCents: number): number {
  const applied = [...apps.values()].reduce((sum, c) => sum + c, 0);
  if (applied > totalCents) throw faults.business(`The amount applied (${fromCents(applied)}) can't be more than the amount received (${fromCents(totalCents)}).`);
  return applied;
}

/** Moves invoice balances from the old applications to the new ones. */
function reapply(ctx: WriteContext, paymentId: string, before: Applications, after: Applications): void {
  for (const invoiceId of new Set([...before.keys(), ...after.keys()])) {
    const invoice = ctx.data.Invoice[invoiceId];
    const delta = (after.get(invoiceId) ?? 0) - (before.get(invoiceId) ?? 0);
    if (invoice && (delta !== 0 || before.has(invoiceId) !== after.has(invoiceId))) applyToInvoice(ctx, invoice, paymentId, delta, after.has(invoiceId));
  }
}

export function createPayment(ctx: WriteContext, { fields, extra }: Parsed<"Payment">): Payment {
  const { data, now } = ctx;
  if (fields.Id !== undefined) throw faults.invalidProperty("Id (an Id is assigned by QuickBooks on create)", "Id");
  if (!fields.CustomerRef) throw faults.required("CustomerRef");
  const amount = total(fields.TotalAmt);
  const customer = customerFor(data, fields.CustomerRef.value);
  const currency = transactionCurrency(customer, fields.CurrencyRef?.value);
  const { lines, apps } = resolveLines(ctx, customer, fields.Line ?? [], new Map());
  const applied = checkApplied(apps, amount);
  const id = nextId(data, "txn");
  const payment: Payment = {
    ...extra,
    Id: id,
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: newMeta(now),
    TxnDate: fields.TxnDate ?? localDate(now),
    CurrencyRef: currencyRef(currency),
    CustomerRef: { value: customer.Id, name: customer.DisplayName },
    TotalAmt: fromCents(amount),
    UnappliedAmt: fromCents(amount - applied),
    ProcessPayment: fields.ProcessPayment ?? false,
    // Where the money went; QuickBooks names Undeposited Funds when the request names no account.
    DepositToAccountRef: (extra.DepositToAccountRef as Ref | undefined) ?? UNDEPOSITED_FUNDS,
    Line: lines,
  };
  if (fields.PrivateNote !== undefined) payment.PrivateNote = fields.PrivateNote;
  if (fields.PaymentRefNum !== undefined) payment.PaymentRefNum = fields.PaymentRefNum;
  data.Payment[id] = payment;
  adjustCustomerBalance(data, customer.Id, -amount);
  ctx.notify("Payment", id, "Create", now);
  reapply(ctx, id, new Map(), apps);
  return payment;
}

export function updatePayment(ctx: WriteContext, { fields, extra }: Parsed<"Payment">): Payment {
  const { data, now } = ctx;
  const payment = current(ctx, "Payment", fields.Id, fields.SyncToken);
  if (data.voided[payment.Id]) throw faults.business("You can't edit a transaction that has been voided.");
  const sparse = fields.sparse === true;
  if (!sparse && !fields.CustomerRef) throw faults.required("CustomerRef");
  const amount = fields.TotalAmt !== undefined || !sparse ? total(fields.TotalAmt) : cents(payment.TotalAmt);
  const customer = fields.CustomerRef ? customerFor(data, fields.CustomerRef.value) : data.Customer[payment.CustomerRef.value]!;
  const oldCustomerId = payment.CustomerRef.value;
  const currency = transactionCurrency(customer, fields.CurrencyRef?.value ?? (customer.Id === oldCustomerId ? payment.CurrencyRef.value : undefined));
  const before = applicationsOf(payment);
  const lineInput = fields.Line ?? (sparse && customer.Id === oldCustomerId ? null : []);
  const next = lineInput === null ? { lines: payment.Line, apps: before } : resolveLines(ctx, customer, lineInput, before);
  const applied = checkApplied(next.apps, amount);

  Object.assign(payment, extra);
  if (fields.TxnDate) payment.TxnDate = fields.TxnDate;
  if (fields.PrivateNote !== undefined || !sparse) payment.PrivateNote = fields.PrivateNote;
  if (fields.PaymentRefNum !== undefined || !sparse) payment.PaymentRefNum = fields.PaymentRefNum;
  if (fields.ProcessPayment !== undefined) payment.ProcessPayment = fields.ProcessPayment;
  adjustCustomerBalance(data, oldCustomerId, cents(payment.TotalAmt));
  adjustCustomerBalance(data, customer.Id, -amount);
  payment.CustomerRef = { value: customer.Id, name: customer.DisplayName };
  payment.CurrencyRef = currencyRef(currency);
  payment.TotalAmt = fromCents(amount);
  payment.UnappliedAmt = fromCents(amount - applied);
  payment.Line = next.lines;
  touch(payment, now);
  ctx.notify("Payment", payment.Id, "Update", now);
  reapply(ctx, payment.Id, before, next.apps);
  return payment;
}

export function deletePayment(ctx: WriteContext, fields: Fields): DeletedStub {
  const { data } = ctx;
  const payment = current(ctx, "Payment", fields.Id, fields.SyncToken);
  reapply(ctx, payment.Id, applicationsOf(payment), new Map());
  adjustCustomerBalance(data, payment.CustomerRef.value, cents(payment.TotalAmt));
  delete data.Payment[payment.Id];
  delete data.voided[payment.Id];
  bury(ctx, "Payment", payment.Id);
  ctx.notify("Payment", payment.Id, "Delete", ctx.now);
  return { status: "Deleted", domain: "QBO", Id: payment.Id };
}

export function voidPayment(ctx: WriteContext, fields: Fields): Payment {
  const { data, now } = ctx;
  const payment = current(ctx, "Payment", fields.Id, fields.SyncToken);
  if (data.voided[payment.Id]) throw faults.business("This transaction has already been voided.");
  reapply(ctx, payment.Id, applicationsOf(payment), new Map());
  adjustCustomerBalance(data, payment.CustomerRef.value, cents(payment.TotalAmt));
  payment.Line = [];
  payment.TotalAmt = 0;
  payment.UnappliedAmt = 0;
  payment.PrivateNote = payment.PrivateNote ? `Voided - ${payment.PrivateNote}` : "Voided";
  data.voided[payment.Id] = true;
  touch(payment, now);
  ctx.notify("Payment", payment.Id, "Void", now);
  return payment;
}
