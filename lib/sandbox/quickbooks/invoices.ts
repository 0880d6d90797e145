/**
 * Invoices: create, read, sparse or full update, delete and void, with the totals QuickBooks
 * derives (TotalAmt from the lines, Balance = TotalAmt minus payments applied). Deleting or
 * voiding an invoice that has payments leaves those payments as unapplied credit. Voiding
 * zeroes amounts and quantities and prepends "Voided" to PrivateNote.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { customerFor, transactionCurrency } from "./customers";
import { faults } from "./errors";
import { buildLines, zeroLines } from "./lines";
import { adjustCustomerBalance, appliedCents, detachPayments } from "./links";
import { cents, fromCents } from "./money";
import type { Parsed } from "./schemas";
import { bury, copySent, current, newMeta, nextId, touch, type WriteContext } from "./store";
import { addDays, localDate } from "./time";
import { currencyRef, type Invoice, type QuickbooksData } from "./types";

type Fields = Parsed<"Invoice">["fields"];
/** Writable fields a full (non-sparse) update clears when they are left out. */
const OPTIONAL = ["PrivateNote", "CustomerMemo", "BillEmail"] as const;

export type DeletedStub = { status: "Deleted"; domain: "QBO"; Id: string };

function claimDocNumber(data: QuickbooksData, docNumber: string, id: string): void {
  const holder = data.docNumbers[docNumber];
  if (holder !== undefined && holder !== id) throw faults.duplicateDocNumber(docNumber, holder);
  data.docNumbers[docNumber] = id;
}

/** The next number of the company's sales-form sequence (invoices and refund receipts share it), skipping invoice numbers taken. */
export function autoDocNumber(data: QuickbooksData): string {
  do data.seq.docNumber += 1;
  while (data.docNumbers[String(data.seq.docNumber)] !== undefined);
  return String(data.seq.docNumber);
}

export function createInvoice(ctx: WriteContext, { fields, extra }: Parsed<"Invoice">): Invoice {
  const { data, now } = ctx;
  if (fields.Id !== undefined) throw faults.invalidProperty("Id (an Id is assigned by QuickBooks on create)", "Id");
  if (!fields.CustomerRef) throw faults.required("CustomerRef");
  const customer = customerFor(data, fields.CustomerRef.value);
  const currency = transactionCurrency(customer, fields.CurrencyRef?.value);
  const { lines, totalCents } = buildLines(fields.Line);
  const id = String(data.seq.txn + 1);
  const docNumber = fields.DocNumber ?? autoDocNumber(data);
  claimDocNumber(data, docNumber, id);
  nextId(data, "txn");
  const txnDate = fields.TxnDate ?? localDate(now);
  const invoice: Invoice = {
    ...extra,
    Id: id,
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: newMeta(now),
    DocNumber: docNumber,
    TxnDate: txnDate,
    DueDate: fields.DueDate ?? addDays(txnDate, 30),
    CurrencyRef: currencyRef(currency),
    CustomerRef: { value: customer.Id, name: customer.DisplayName },
    Line: lines,
    TotalAmt: fromCents(totalCents),
    Balance: fromCents(totalCents),
    LinkedTxn: [],
    TxnTaxDetail: { TotalTax: 0 },
    EmailStatus: fields.EmailStatus ?? "NotSet",
    PrintStatus: fields.PrintStatus ?? "NeedToPrint",
    ApplyTaxAfterDiscount: false,
    Deposit: 0,
  };
  copySent(invoice, fields, OPTIONAL);
  data.Invoice[id] = invoice;
  adjustCustomerBalance(data, customer.Id, totalCents);
  ctx.notify("Invoice", id, "Create", now);
  return invoice;
}

export function updateInvoice(ctx: WriteContext, { fields, extra }: Parsed<"Invoice">): Invoice {
  const { data, now } = ctx;
  const invoice = current(ctx, "Invoice", fields.Id, fields.SyncToken);
  if (data.voided[invoice.Id]) throw faults.business("You can't edit a transaction that has been voided.");
  const sparse = fields.sparse === true;
  if (!sparse && !fields.CustomerRef) throw faults.required("CustomerRef");
  if (!sparse && !fields.Line) throw faults.required("Line");

  const applied = appliedCents(invoice);
  const oldBalance = cents(invoice.Balance);
  const oldCustomerId = invoice.CustomerRef.value;
  const customer = fields.CustomerRef ? customerFor(data, fields.CustomerRef.value) : data.Customer[invoice.CustomerRef.value]!;
  const customerChanged = customer.Id !== oldCustomerId;
  if (customerChanged && applied > 0) throw faults.business("You can't change the customer of an invoice that has payments applied to it.");
  const currency = transactionCurrency(customer, fields.CurrencyRef?.value ?? (customerChanged ? undefined : invoice.CurrencyRef.value));
  const built = fields.Line ? buildLines(fields.Line, invoice.Line) : null;
  const total = built ? built.totalCents : cents(invoice.TotalAmt);
  if (total < applied) throw faults.business(`The invoice total (${fromCents(total)}) can't be less than the payments applied to it (${fromCents(applied)}).`);
  if (fields.DocNumber !== undefined && fields.DocNumber !== invoice.DocNumber) {
    claimDocNumber(data, fields.DocNumber, invoice.Id);
    delete data.docNumbers[invoice.DocNumber];
    invoice.DocNumber = fields.DocNumber;
  }

  if (!sparse) for (const key of OPTIONAL) delete invoice[key];
  Object.assign(invoice, extra);
  copySent(invoice, fields, OPTIONAL);
  if (fields.TxnDate) invoice.TxnDate = fields.TxnDate;
  if (fields.DueDate) invoice.DueDate = fields.DueDate;
  if (fields.EmailStatus) invoice.EmailStatus = fields.EmailStatus;
  if (fields.PrintStatus) invoice.PrintStatus = fields.PrintStatus;
  invoice.CustomerRef = { value: customer.Id, name: customer.DisplayName };
  invoice.CurrencyRef = currencyRef(currency);
  if (built) invoice.Line = built.lines;
  invoice.TotalAmt = fromCents(total);
  invoice.Balance = fromCents(total - applied);
  // What the customer(s) owe moves with the open balance.
  adjustCustomerBalance(data, oldCustomerId, -oldBalance);
  adjustCustomerBalance(data, customer.Id, total - applied);
  touch(invoice, now);
  ctx.notify("Invoice", invoice.Id, "Update", now);
  return invoice;
}

export function deleteInvoice(ctx: WriteContext, fields: Fields): DeletedStub {
  const { data } = ctx;
  const invoice = current(ctx, "Invoice", fields.Id, fields.SyncToken);
  // The open balance goes, and what its payments applied becomes the customer's credit.
  adjustCustomerBalance(data, invoice.CustomerRef.value, -cents(invoice.TotalAmt));
  detachPayments(ctx, invoice);
  delete data.Invoice[invoice.Id];
  delete data.docNumbers[invoice.DocNumber];
  delete data.voided[invoice.Id];
  bury(ctx, "Invoice", invoice.Id);
  ctx.notify("Invoice", invoice.Id, "Delete", ctx.now);
  return { status: "Deleted", domain: "QBO", Id: invoice.Id };
}

export function voidInvoice(ctx: WriteContext, fields: Fields): Invoice {
  const { data, now } = ctx;
  const invoice = current(ctx, "Invoice", fields.Id, fields.SyncToken);
  if (data.voided[invoice.Id]) throw faults.business("This transaction has already been voided.");
  // The open balance goes, and what its payments applied becomes the customer's credit.
  adjustCustomerBalance(data, invoice.CustomerRef.value, -cents(invoice.TotalAmt));
  detachPayments(ctx, invoice);
  invoice.Line = zeroLines(invoice.Line);
  invoice.TotalAmt = 0;
  invoice.Balance = 0;
  invoice.PrivateNote = invoice.PrivateNote ? `Voided - ${invoice.PrivateNote}` : "Voided";
  data.voided[invoice.Id] = true;
  touch(invoice, now);
  ctx.notify("Invoice", invoice.Id, "Void", now);
  return invoice;
}
