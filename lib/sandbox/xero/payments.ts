/**
 * Payments against invoices, and cash refunds of credit notes: GET (list, one), PUT / POST
 * (create; POST /Payments takes a single payment, as xero-node's createPayment sends it), and
 * deletion by POST /Payments/{id} with `{"Status":"DELETED"}`. A payment may not exceed the
 * invoice's AmountDue; it lowers AmountDue, raises AmountPaid and, at zero, makes the invoice PAID
 * with FullyPaidOnDate. A refund (`CreditNote` instead of `Invoice`) may not exceed the credit
 * note's RemainingCredit and, at zero, makes it PAID. Deleting either reverts that. Payments have
 * no webhook category of their own: they show as an UPDATE of what they pay.
 * https://developer.xero.com/documentation/api/accounting/payments
 * https://developer.xero.com/documentation/api/accounting/creditnotes#refunds
 */
import { randomUUID } from "node:crypto";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { batchWrite, type Plan } from "./batch";
import { msToYmd, parseDateInput, ymdToMs } from "./dates";
import { notFound } from "./errors";
import { findCreditNote } from "./credit-notes";
import { findInvoice } from "./invoice-plan";
import { listRecords } from "./listing";
import { fromUnits, toUnits, unitsToString } from "./money";
import { acceptsPayments, accountByCode, accountById } from "./org";
import type { Fields } from "./query";
import { paymentInput, type PaymentInput } from "./schemas";
import { creditNotesOf, entry, type CreditNoteRecord, type InvoiceRecord, type PaymentRecord, type XeroData } from "./types";
import { emitEvent } from "./webhooks";
import { envelope, wirePayment } from "./wire";

const BASE = "/api.xro/2.0";

function paymentFields(data: XeroData): Fields<PaymentRecord> {
  return {
    paymentid: (p) => p.PaymentID,
    status: (p) => p.Status,
    paymenttype: (p) => p.PaymentType,
    date: (p) => ymdToMs(p.Date),
    amount: (p) => fromUnits(p.amount, 2),
    reference: (p) => p.Reference,
    currencyrate: (p) => p.CurrencyRate,
    isreconciled: (p) => p.IsReconciled,
    updateddateutc: (p) => p.UpdatedDateUTC,
    "account.code": (p) => p.AccountCode,
    // A refund shows its credit note under Invoice too (wire.ts), and filters the same way.
    "invoice.invoiceid": (p) => p.InvoiceID ?? p.CreditNoteID ?? null,
    "invoice.invoicenumber": (p) => documentOf(data, p)?.number ?? null,
    "invoice.type": (p) => documentOf(data, p)?.type ?? null,
    "invoice.contact.contactid": (p) => documentOf(data, p)?.contactId ?? null,
    "creditnote.creditnoteid": (p) => p.CreditNoteID ?? null,
  };
}

function documentOf(data: XeroData, p: PaymentRecord): { number: string; type: string; contactId: string } | null {
  if (p.CreditNoteID) {
    const cn = creditNotesOf(data)[p.CreditNoteID];
    return cn ? { number: cn.CreditNoteNumber, type: cn.Type, contactId: cn.ContactID } : null;
  }
  const inv = p.InvoiceID ? data.invoices[p.InvoiceID] : undefined;
  return inv ? { number: inv.InvoiceNumber, type: inv.Type, contactId: inv.ContactID } : null;
}

/** Applies a new payment to what it pays: an invoice's AmountDue or a credit note's RemainingCredit down, PAID at zero. */
function settle(data: XeroData, payment: PaymentRecord, now: number): void {
  if (payment.CreditNoteID) {
    const notes = creditNotesOf(data);
    const cn = notes[payment.CreditNoteID]!;
    const remainingCredit = cn.remainingCredit - payment.amount;
    const ids = [...cn.PaymentIDs, payment.PaymentID];
    notes[cn.CreditNoteID] = { ...cn, remainingCredit, PaymentIDs: ids, Status: remainingCredit === 0 ? "PAID" : cn.Status, FullyPaidOnDate: remainingCredit === 0 ? latestPaymentDate(data, ids) : null, UpdatedDateUTC: now };
    return;
  }
  const inv = data.invoices[payment.InvoiceID!]!;
  const amountDue = inv.amountDue - payment.amount;
  const paid = amountDue === 0;
  data.invoices[inv.InvoiceID] = {
    ...inv,
    amountDue,
    amountPaid: inv.amountPaid + payment.amount,
    PaymentIDs: [...inv.PaymentIDs, payment.PaymentID],
    Status: paid ? "PAID" : inv.Status,
    FullyPaidOnDate: paid ? latestPaymentDate(data, [...inv.PaymentIDs, payment.PaymentID]) : null,
    UpdatedDateUTC: now,
  };
}

/** Reverses a deleted payment: the invoice or credit note is AUTHORISED again if it was PAID. */
function unsettle(data: XeroData, payment: PaymentRecord, now: number): void {
  if (payment.CreditNoteID) {
    const notes = creditNotesOf(data);
    const cn = notes[payment.CreditNoteID];
    if (cn) notes[cn.CreditNoteID] = { ...cn, remainingCredit: cn.remainingCredit + payment.amount, Status: cn.Status === "PAID" ? "AUTHORISED" : cn.Status, FullyPaidOnDate: null, UpdatedDateUTC: now };
    return;
  }
  const inv = payment.InvoiceID ? data.invoices[payment.InvoiceID] : undefined;
  if (!inv) return;
  data.invoices[inv.InvoiceID] = {
    ...inv,
    amountDue: inv.amountDue + payment.amount,
    amountPaid: inv.amountPaid - payment.amount,
    Status: inv.Status === "PAID" ? "AUTHORISED" : inv.Status,
    FullyPaidOnDate: null,
    UpdatedDateUTC: now,
  };
}

function latestPaymentDate(data: XeroData, ids: string[]): string | null {
  let latest: string | null = null;
  for (const id of ids) {
    const p = data.payments[id];
    if (p?.Status === "AUTHORISED" && (!latest || p.Date > latest)) latest = p.Date;
  }
  return latest;
}

/** What a new payment pays: an invoice, or a credit note it refunds. */
type Target = { kind: "invoice"; doc: InvoiceRecord; open: number } | { kind: "creditNote"; doc: CreditNoteRecord; open: number };

function targetOf(data: XeroData, input: PaymentInput, errors: string[]): Target | undefined {
  const invoiceRef = input.Invoice?.InvoiceID ?? input.Invoice?.InvoiceNumber;
  const noteRef = input.CreditNote?.CreditNoteID ?? input.CreditNote?.CreditNoteNumber;
  if (invoiceRef && noteRef) {
    errors.push("A payment can be made against only one of an Invoice, CreditNote, Prepayment or Overpayment");
    return undefined;
  }
  if (noteRef) {
    const note = findCreditNote(data, noteRef);
    if (!note) errors.push("Credit Note could not be found");
    else if (note.Status !== "AUTHORISED") errors.push("Payments can only be made against Authorised documents");
    return note ? { kind: "creditNote", doc: note, open: note.remainingCredit } : undefined;
  }
  const invoice = invoiceRef ? findInvoice(data, invoiceRef) : undefined;
  if (!invoiceRef) errors.push("You must specify either an Invoice ID or Invoice Number or CreditNote ID or CreditNote Number or Prepayment ID or Overpayment ID for the payment");
  else if (!invoice) errors.push("Invoice could not be found");
  else if (invoice.Status !== "AUTHORISED") errors.push("Payments can only be made against Authorised documents");
  return invoice ? { kind: "invoice", doc: invoice, open: invoice.amountDue } : undefined;
}

function paymentPlanner(ctx: ApiContext<XeroData>, targetId?: string): (input: PaymentInput) => Plan {
  const { data, sandbox, account } = ctx;
  const pending = new Map<string, number>(); // cents already claimed per document in this request
  return (input) => {
    const id = targetId ?? input.PaymentID?.toLowerCase();
    if (id) return deletionPlan(ctx, id, input);
    const errors: string[] = [];
    const target = targetOf(data, input, errors);
    const acct = input.Account?.AccountID ? accountById(input.Account.AccountID) : input.Account?.Code ? accountByCode(input.Account.Code) : undefined;
    if (!input.Account?.AccountID && !input.Account?.Code) errors.push("You must specify an Account code or Account ID for the payment");
    else if (!acct) errors.push("Account could not be found");
    else if (!acceptsPayments(acct)) errors.push(`Account type is invalid for making a payment to/from: account ${acct.Code} is not a bank account and does not have payments enabled.`);
    const date = input.Date ? parseDateInput(input.Date) : msToYmd(sandbox.clock.now());
    if (!date) errors.push(`The string '${input.Date}' is not a valid AllXsd value.`);
    const amount = input.Amount == null ? null : toUnits(input.Amount, 2);
    if (amount === null || amount <= 0) errors.push("The Payment Amount must be greater than zero.");
    const docId = target ? (target.kind === "invoice" ? target.doc.InvoiceID : target.doc.CreditNoteID) : "";
    if (target && target.doc.Status === "AUTHORISED" && amount !== null && amount > 0) {
      const outstanding = target.open - (pending.get(docId) ?? 0);
      if (amount > outstanding) errors.push("Payment amount exceeds the amount outstanding on this document");
    }
    if (errors.length || !target || !acct || !date || amount === null) return { ok: false, errors };
    pending.set(docId, (pending.get(docId) ?? 0) + amount);
    const rate6 = input.CurrencyRate == null ? null : toUnits(input.CurrencyRate, 6);
    const onInvoice = target.kind === "invoice";
    const paymentType: PaymentRecord["PaymentType"] = onInvoice
      ? target.doc.Type === "ACCREC" ? "ACCRECPAYMENT" : "ACCPAYPAYMENT"
      : target.doc.Type === "ACCRECCREDIT" ? "ARCREDITPAYMENT" : "APCREDITPAYMENT";
    return {
      ok: true,
      apply: () => {
        const now = sandbox.clock.now();
        const payment: PaymentRecord = {
          PaymentID: randomUUID(),
          InvoiceID: onInvoice ? docId : null,
          CreditNoteID: onInvoice ? null : docId,
          AccountCode: acct.Code,
          Date: date,
          amount,
          CurrencyRate: rate6 && rate6 > 0 ? fromUnits(rate6, 6) : target.doc.CurrencyRate,
          Reference: input.Reference ?? "",
          Status: "AUTHORISED",
          PaymentType: paymentType,
          IsReconciled: input.IsReconciled ?? false,
          UpdatedDateUTC: now,
        };
        data.payments[payment.PaymentID] = payment;
        settle(data, payment, now);
        emitEvent(sandbox, account.id, onInvoice ? "INVOICE" : "CREDITNOTE", "UPDATE", docId);
        return wirePayment(payment, data);
      },
    };
  };
}

/** Deleting is the only change Xero allows to a payment. */
function deletionPlan(ctx: ApiContext<XeroData>, id: string, input: PaymentInput): Plan {
  const { data, sandbox, account } = ctx;
  const payment = entry(data.payments, id);
  if (!payment) return { ok: false, errors: ["The Payment with the specified PaymentID could not be found."] };
  if (input.Status?.toUpperCase() !== "DELETED" || payment.Status === "DELETED") return { ok: false, errors: ["Payment not of valid status for modification"] };
  return {
    ok: true,
    apply: () => {
      const now = sandbox.clock.now();
      const deleted: PaymentRecord = { ...payment, Status: "DELETED", UpdatedDateUTC: now };
      data.payments[id] = deleted;
      unsettle(data, deleted, now);
      if (deleted.CreditNoteID) emitEvent(sandbox, account.id, "CREDITNOTE", "UPDATE", deleted.CreditNoteID);
      else if (deleted.InvoiceID) emitEvent(sandbox, account.id, "INVOICE", "UPDATE", deleted.InvoiceID);
      return wirePayment(deleted, data);
    },
  };
}

export function paymentRoutes(api: ApiRoutes<XeroData>): void {
  const spec = (ctx: ApiContext<XeroData>, targetId?: string) =>
    ({ collection: "Payments", entity: "Payment", schema: paymentInput, errorFlag: "HasValidationErrors", plan: paymentPlanner(ctx, targetId) }) as const;

  api
    .add("GET", `${BASE}/Payments`, (req, ctx) => {
      const result = listRecords(req, Object.values(ctx.data.payments), {
        typeName: "Payment",
        fields: paymentFields(ctx.data),
        updatedAt: (p) => p.UpdatedDateUTC,
        search: (p, term) => p.Reference.toLowerCase().includes(term) || unitsToString(p.amount, 2).includes(term),
      });
      if (!result.ok) return result.response;
      return envelope("Payments", result.items.map((p) => wirePayment(p, ctx.data)), ctx.sandbox.clock.now(), result.pagination);
    })
    .add("GET", `${BASE}/Payments/:id`, (req, ctx) => {
      const payment = entry(ctx.data.payments, (req.params.id ?? "").toLowerCase());
      return payment ? envelope("Payments", [wirePayment(payment, ctx.data)], ctx.sandbox.clock.now()) : notFound();
    })
    .add("PUT", `${BASE}/Payments`, (req, ctx) => batchWrite(req, ctx, spec(ctx)))
    .add("POST", `${BASE}/Payments`, (req, ctx) => batchWrite(req, ctx, spec(ctx)))
    .add("POST", `${BASE}/Payments/:id`, (req, ctx) => {
      const id = (req.params.id ?? "").toLowerCase();
      return entry(ctx.data.payments, id) ? batchWrite(req, ctx, spec(ctx, id)) : notFound();
    });
}
