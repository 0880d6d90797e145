/**
 * Payments against invoices: GET (list, one), PUT / POST (create; POST /Payments takes a single
 * payment, as xero-node's createPayment sends it), and deletion by POST /Payments/{id} with
 * `{"Status":"DELETED"}`. A payment may not exceed the invoice's AmountDue; it lowers AmountDue,
 * raises AmountPaid and, at zero, makes the invoice PAID with FullyPaidOnDate; deleting it
 * reverts that. Payments have no webhook category of their own: they show as INVOICE UPDATE.
 * https://developer.xero.com/documentation/api/accounting/payments
 */
import { randomUUID } from "node:crypto";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { batchWrite, type Plan } from "./batch";
import { msToYmd, parseDateInput, ymdToMs } from "./dates";
import { notFound } from "./errors";
import { findInvoice } from "./invoice-plan";
import { listRecords } from "./listing";
import { fromUnits, toUnits, unitsToString } from "./money";
import { acceptsPayments, accountByCode, accountById } from "./org";
import type { Fields } from "./query";
import { paymentInput, type PaymentInput } from "./schemas";
import { entry, type PaymentRecord, type XeroData } from "./types";
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
    "invoice.invoiceid": (p) => p.InvoiceID,
    "invoice.invoicenumber": (p) => data.invoices[p.InvoiceID]?.InvoiceNumber ?? null,
    "invoice.type": (p) => data.invoices[p.InvoiceID]?.Type ?? null,
    "invoice.contact.contactid": (p) => data.invoices[p.InvoiceID]?.ContactID ?? null,
  };
}

/** Applies a new payment to its invoice: AmountDue down, AmountPaid up, PAID at zero. */
function settle(data: XeroData, payment: PaymentRecord, now: number): void {
  const inv = data.invoices[payment.InvoiceID]!;
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

/** Reverses a deleted payment: the invoice is AUTHORISED again if it was PAID. */
function unsettle(data: XeroData, payment: PaymentRecord, now: number): void {
  const inv = data.invoices[payment.InvoiceID];
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

function paymentPlanner(ctx: ApiContext<XeroData>, targetId?: string): (input: PaymentInput) => Plan {
  const { data, sandbox, account } = ctx;
  const pending = new Map<string, number>(); // cents already claimed per invoice in this request
  return (input) => {
    const id = targetId ?? input.PaymentID?.toLowerCase();
    if (id) return deletionPlan(ctx, id, input);
    const errors: string[] = [];
    const ref = input.Invoice?.InvoiceID ?? input.Invoice?.InvoiceNumber;
    const invoice = ref ? findInvoice(data, ref) : undefined;
    if (!ref) errors.push("You must specify either an Invoice ID or Invoice Number or CreditNote ID or CreditNote Number or Prepayment ID or Overpayment ID for the payment");
    else if (!invoice) errors.push("Invoice could not be found");
    else if (invoice.Status !== "AUTHORISED") errors.push("Payments can only be made against Authorised documents");
    const acct = input.Account?.AccountID ? accountById(input.Account.AccountID) : input.Account?.Code ? accountByCode(input.Account.Code) : undefined;
    if (!input.Account?.AccountID && !input.Account?.Code) errors.push("You must specify an Account code or Account ID for the payment");
    else if (!acct) errors.push("Account could not be found");
    else if (!acceptsPayments(acct)) errors.push(`Account type is invalid for making a payment to/from: account ${acct.Code} is not a bank account and does not have payments enabled.`);
    const date = input.Date ? parseDateInput(input.Date) : msToYmd(sandbox.clock.now());
    if (!date) errors.push(`The string '${input.Date}' is not a valid AllXsd value.`);
    const amount = input.Amount == null ? null : toUnits(input.Amount, 2);
    if (amount === null || amount <= 0) errors.push("The Payment Amount must be greater than zero.");
    if (invoice && invoice.Status === "AUTHORISED" && amount !== null && amount > 0) {
      const outstanding = invoice.amountDue - (pending.get(invoice.InvoiceID) ?? 0);
      if (amount > outstanding) errors.push("Payment amount exceeds the amount outstanding on this document");
    }
    if (errors.length || !invoice || !acct || !date || amount === null) return { ok: false, errors };
    pending.set(invoice.InvoiceID, (pending.get(invoice.InvoiceID) ?? 0) + amount);
    const rate6 = input.CurrencyRate == null ? null : toUnits(input.CurrencyRate, 6);
    return {
      ok: true,
      apply: () => {
        const now = sandbox.clock.now();
        const payment: PaymentRecord = {
          PaymentID: randomUUID(),
          InvoiceID: invoice.InvoiceID,
          AccountCode: acct.Code,
          Date: date,
          amount,
          CurrencyRate: rate6 && rate6 > 0 ? fromUnits(rate6, 6) : invoice.CurrencyRate,
          Reference: input.Reference ?? "",
          Status: "AUTHORISED",
          PaymentType: invoice.Type === "ACCREC" ? "ACCRECPAYMENT" : "ACCPAYPAYMENT",
          IsReconciled: input.IsReconciled ?? false,
          UpdatedDateUTC: now,
        };
        data.payments[payment.PaymentID] = payment;
        settle(data, payment, now);
        emitEvent(sandbox, account.id, "INVOICE", "UPDATE", invoice.InvoiceID);
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
      emitEvent(sandbox, account.id, "INVOICE", "UPDATE", deleted.InvoiceID);
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
