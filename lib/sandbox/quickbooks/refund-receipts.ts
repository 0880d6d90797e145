/**
 * Refund receipts: money paid back to a customer from a bank or other current asset account
 * (DepositToAccountRef, required), with sales lines like an invoice's (TotalAmt from the lines,
 * Balance always 0). A refund receipt changes no invoice and no customer balance: it reverses a
 * sale, not a receivable. It carries no link to an invoice (only free text in PrivateNote).
 * Create, read, sparse or full update, delete, and void (`operation=void`: amounts zeroed,
 * "Voided" before PrivateNote, as invoices).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt
 */
import { customerFor, transactionCurrency } from "./customers";
import { faults } from "./errors";
import { autoDocNumber, type DeletedStub } from "./invoices";
import { buildLines, zeroLines } from "./lines";
import { fromCents } from "./money";
import type { Parsed } from "./schemas";
import { bury, copySent, current, newMeta, nextId, touch, type WriteContext } from "./store";
import { localDate } from "./time";
import { currencyRef, tableOf, type RefundReceipt } from "./types";

type Fields = Parsed<"RefundReceipt">["fields"];
/** Writable fields a full (non-sparse) update clears when they are left out. */
const OPTIONAL = ["PrivateNote", "PaymentRefNum", "CustomerMemo", "BillEmail"] as const;

export function createRefundReceipt(ctx: WriteContext, { fields, extra }: Parsed<"RefundReceipt">): RefundReceipt {
  const { data, now } = ctx;
  if (fields.Id !== undefined) throw faults.invalidProperty("Id (an Id is assigned by QuickBooks on create)", "Id");
  if (!fields.CustomerRef) throw faults.required("CustomerRef");
  if (!fields.DepositToAccountRef) throw faults.required("DepositToAccountRef");
  const customer = customerFor(data, fields.CustomerRef.value);
  const currency = transactionCurrency(customer, fields.CurrencyRef?.value);
  const { lines, totalCents } = buildLines(fields.Line);
  const id = nextId(data, "txn");
  const receipt: RefundReceipt = {
    ...extra,
    Id: id,
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: newMeta(now),
    DocNumber: fields.DocNumber ?? autoDocNumber(data),
    TxnDate: fields.TxnDate ?? localDate(now),
    CurrencyRef: currencyRef(currency),
    CustomerRef: { value: customer.Id, name: customer.DisplayName },
    DepositToAccountRef: fields.DepositToAccountRef,
    Line: lines,
    TotalAmt: fromCents(totalCents),
    Balance: 0,
    TxnTaxDetail: { TotalTax: 0 },
    PrintStatus: fields.PrintStatus ?? "NotSet",
    ApplyTaxAfterDiscount: false,
  };
  copySent(receipt, fields, OPTIONAL);
  tableOf(data, "RefundReceipt")[id] = receipt;
  ctx.notify("RefundReceipt", id, "Create", now);
  return receipt;
}

export function updateRefundReceipt(ctx: WriteContext, { fields, extra }: Parsed<"RefundReceipt">): RefundReceipt {
  const { data, now } = ctx;
  const receipt = current(ctx, "RefundReceipt", fields.Id, fields.SyncToken);
  if (data.voided[receipt.Id]) throw faults.business("You can't edit a transaction that has been voided.");
  const sparse = fields.sparse === true;
  if (!sparse && !fields.CustomerRef) throw faults.required("CustomerRef");
  if (!sparse && !fields.DepositToAccountRef) throw faults.required("DepositToAccountRef");
  if (!sparse && !fields.Line) throw faults.required("Line");
  const customerChanged = fields.CustomerRef !== undefined && fields.CustomerRef.value !== receipt.CustomerRef.value;
  const customer = fields.CustomerRef ? customerFor(data, fields.CustomerRef.value) : data.Customer[receipt.CustomerRef.value]!;
  const currency = transactionCurrency(customer, fields.CurrencyRef?.value ?? (customerChanged ? undefined : receipt.CurrencyRef.value));
  const built = fields.Line ? buildLines(fields.Line, receipt.Line) : null;

  if (!sparse) for (const key of OPTIONAL) delete receipt[key];
  Object.assign(receipt, extra);
  copySent(receipt, fields, OPTIONAL);
  if (fields.TxnDate) receipt.TxnDate = fields.TxnDate;
  if (fields.DocNumber) receipt.DocNumber = fields.DocNumber;
  if (fields.PrintStatus) receipt.PrintStatus = fields.PrintStatus;
  if (fields.DepositToAccountRef) receipt.DepositToAccountRef = fields.DepositToAccountRef;
  receipt.CustomerRef = { value: customer.Id, name: customer.DisplayName };
  receipt.CurrencyRef = currencyRef(currency);
  if (built) {
    receipt.Line = built.lines;
    receipt.TotalAmt = fromCents(built.totalCents);
  }
  touch(receipt, now);
  ctx.notify("RefundReceipt", receipt.Id, "Update", now);
  return receipt;
}

export function deleteRefundReceipt(ctx: WriteContext, fields: Fields): DeletedStub {
  const receipt = current(ctx, "RefundReceipt", fields.Id, fields.SyncToken);
  delete tableOf(ctx.data, "RefundReceipt")[receipt.Id];
  delete ctx.data.voided[receipt.Id];
  bury(ctx, "RefundReceipt", receipt.Id);
  ctx.notify("RefundReceipt", receipt.Id, "Delete", ctx.now);
  return { status: "Deleted", domain: "QBO", Id: receipt.Id };
}

export function voidRefundReceipt(ctx: WriteContext, fields: Fields): RefundReceipt {
  const { data, now } = ctx;
  const receipt = current(ctx, "RefundReceipt", fields.Id, fields.SyncToken);
  if (data.voided[receipt.Id]) throw faults.business("This transaction has already been voided.");
  receipt.Line = zeroLines(receipt.Line);
  receipt.TotalAmt = 0;
  receipt.PrivateNote = receipt.PrivateNote ? `Voided - ${receipt.PrivateNote}` : "Voided";
  data.voided[receipt.Id] = true;
  touch(receipt, now);
  ctx.notify("RefundReceipt", receipt.Id, "Void", now);
  return receipt;
}
