/**
 * Records → Xero's JSON. Amounts leave integer units here and become decimal numbers; dates
 * become `/Date(ms+0000)/` with `DateString` twins, as in Xero's own responses:
 * https://developer.xero.com/documentation/api/accounting/invoices#get-invoices
 */
import { randomUUID } from "node:crypto";
import { json, type SandboxResponse } from "../core/http";
import { msDate, msDateNoOffset, ymdToDateString, ymdToMsDate } from "./dates";
import { divRound, fromUnits, rescale, toUnits } from "./money";
import { accountByCode } from "./org";
import { creditNotesOf, type ContactRecord, type CreditNoteRecord, type InvoiceRecord, type LineItemRecord, type PaymentRecord, type XeroData } from "./types";

/** The app name Xero puts in every envelope. */
export const PROVIDER_NAME = "Concord Sandbox";

export type Pagination = { page: number; pageSize: number; pageCount: number; itemCount: number };

/** `{ Id, Status: "OK", ProviderName, DateTimeUTC, [pagination], <Collection>: [...] }` */
export function envelope(collection: string, items: unknown[], now: number, pagination?: Pagination): SandboxResponse {
  return json(200, { Id: randomUUID(), Status: "OK", ProviderName: PROVIDER_NAME, DateTimeUTC: msDateNoOffset(now), ...(pagination ? { pagination } : {}), [collection]: items });
}

const money = (cents: number) => fromUnits(cents, 2);

export type InvoiceView = { lineItems: boolean; unitdp: 2 | 4; summaryOnly?: boolean };

function wireLine(line: LineItemRecord, unitdp: 2 | 4): Record<string, unknown> {
  return {
    LineItemID: line.LineItemID,
    Description: line.Description,
    Quantity: fromUnits(line.quantity4, 4),
    UnitAmount: fromUnits(rescale(line.unitAmount4, 4, unitdp), unitdp),
    ...(line.ItemCode ? { ItemCode: line.ItemCode } : {}),
    ...(line.AccountCode ? { AccountCode: line.AccountCode } : {}),
    TaxType: line.TaxType,
    TaxAmount: money(line.taxAmount),
    LineAmount: money(line.lineAmount),
    Tracking: [],
  };
}

export function contactRef(contact: ContactRecord | undefined, id: string): Record<string, unknown> {
  if (!contact) return { ContactID: id };
  return {
    ContactID: contact.ContactID,
    ContactStatus: contact.ContactStatus,
    Name: contact.Name,
    ...(contact.EmailAddress ? { EmailAddress: contact.EmailAddress } : {}),
    Addresses: [],
    Phones: [],
    ContactGroups: [],
    ContactPersons: [],
    HasValidationErrors: false,
  };
}

function paymentSummary(p: PaymentRecord): Record<string, unknown> {
  return { PaymentID: p.PaymentID, Date: ymdToMsDate(p.Date), Amount: money(p.amount), ...(p.Reference ? { Reference: p.Reference } : {}), CurrencyRate: p.CurrencyRate, HasAccount: false, HasValidationErrors: false };
}

export function wireInvoice(inv: InvoiceRecord, data: XeroData, view: InvoiceView): Record<string, unknown> {
  const full = !view.summaryOnly;
  const payments = full ? inv.PaymentIDs.flatMap((id) => (data.payments[id]?.Status === "AUTHORISED" ? [paymentSummary(data.payments[id]!)] : [])) : [];
  return {
    Type: inv.Type,
    InvoiceID: inv.InvoiceID,
    InvoiceNumber: inv.InvoiceNumber,
    Reference: inv.Reference,
    ...(full ? { Payments: payments, CreditNotes: [], Prepayments: [], Overpayments: [] } : {}),
    AmountDue: money(inv.amountDue),
    AmountPaid: money(inv.amountPaid),
    AmountCredited: money(inv.amountCredited),
    SentToContact: inv.SentToContact,
    CurrencyRate: inv.CurrencyRate,
    IsDiscounted: false,
    HasAttachments: false,
    HasErrors: false,
    Contact: full ? contactRef(data.contacts[inv.ContactID], inv.ContactID) : { ContactID: inv.ContactID, Name: data.contacts[inv.ContactID]?.Name },
    DateString: ymdToDateString(inv.Date),
    Date: ymdToMsDate(inv.Date),
    ...(inv.DueDate ? { DueDateString: ymdToDateString(inv.DueDate), DueDate: ymdToMsDate(inv.DueDate) } : {}),
    Status: inv.Status,
    LineAmountTypes: inv.LineAmountTypes,
    ...(view.lineItems && full ? { LineItems: inv.LineItems.map((l) => wireLine(l, view.unitdp)) } : {}),
    SubTotal: money(inv.subTotal),
    TotalTax: money(inv.totalTax),
    Total: money(inv.total),
    UpdatedDateUTC: msDate(inv.UpdatedDateUTC),
    CurrencyCode: inv.CurrencyCode,
    ...(inv.FullyPaidOnDate ? { FullyPaidOnDate: ymdToMsDate(inv.FullyPaidOnDate) } : {}),
  };
}

/** A credit note as GET /CreditNotes answers it: its cash refunds under Payments, no allocations (not modelled). */
export function wireCreditNote(cn: CreditNoteRecord, data: XeroData, view: InvoiceView): Record<string, unknown> {
  const full = !view.summaryOnly;
  const payments = full ? cn.PaymentIDs.flatMap((id) => (data.payments[id]?.Status === "AUTHORISED" ? [paymentSummary(data.payments[id]!)] : [])) : [];
  return {
    Type: cn.Type,
    CreditNoteID: cn.CreditNoteID,
    CreditNoteNumber: cn.CreditNoteNumber,
    Reference: cn.Reference,
    ...(full ? { Payments: payments, Allocations: [] } : {}),
    RemainingCredit: money(cn.remainingCredit),
    SentToContact: cn.SentToContact,
    CurrencyRate: cn.CurrencyRate,
    HasAttachments: false,
    HasErrors: false,
    Contact: full ? contactRef(data.contacts[cn.ContactID], cn.ContactID) : { ContactID: cn.ContactID, Name: data.contacts[cn.ContactID]?.Name },
    DateString: ymdToDateString(cn.Date),
    Date: ymdToMsDate(cn.Date),
    Status: cn.Status,
    LineAmountTypes: cn.LineAmountTypes,
    ...(view.lineItems && full ? { LineItems: cn.LineItems.map((l) => wireLine(l, view.unitdp)) } : {}),
    SubTotal: money(cn.subTotal),
    TotalTax: money(cn.totalTax),
    Total: money(cn.total),
    UpdatedDateUTC: msDate(cn.UpdatedDateUTC),
    CurrencyCode: cn.CurrencyCode,
    ...(cn.FullyPaidOnDate ? { FullyPaidOnDate: ymdToMsDate(cn.FullyPaidOnDate) } : {}),
  };
}

export function wireContact(c: ContactRecord): Record<string, unknown> {
  return {
    ContactID: c.ContactID,
    ...(c.ContactNumber ? { ContactNumber: c.ContactNumber } : {}),
    ...(c.AccountNumber ? { AccountNumber: c.AccountNumber } : {}),
    ContactStatus: c.ContactStatus,
    Name: c.Name,
    ...(c.FirstName ? { FirstName: c.FirstName } : {}),
    ...(c.LastName ? { LastName: c.LastName } : {}),
    ...(c.EmailAddress ? { EmailAddress: c.EmailAddress } : {}),
    Addresses: [],
    Phones: [],
    UpdatedDateUTC: msDate(c.UpdatedDateUTC),
    ContactGroups: [],
    IsSupplier: c.IsSupplier,
    IsCustomer: c.IsCustomer,
    ...(c.DefaultCurrency ? { DefaultCurrency: c.DefaultCurrency } : {}),
    ContactPersons: [],
    HasAttachments: false,
    HasValidationErrors: false,
  };
}

/** The amount in the bank account's (base) currency: amount ÷ rate, in integers. */
function bankAmount(p: PaymentRecord): number {
  const rate = toUnits(p.CurrencyRate, 6);
  if (!rate || rate <= 0) return p.amount;
  return Number(divRound(BigInt(p.amount) * 1_000_000n, BigInt(rate)));
}

/**
 * What a payment says it pays. An invoice payment names its invoice. A credit note refund names
 * its credit note under CreditNote, as Xero's model has it, and also under Invoice (Type
 * ACCRECCREDIT, the credit note's id as InvoiceID), as Xero's answers have been seen to carry
 * it: clients must tell the two apart by PaymentType, never by the key.
 */
function paidDocument(p: PaymentRecord, data: XeroData): Record<string, unknown> {
  if (p.CreditNoteID) {
    const cn = creditNotesOf(data)[p.CreditNoteID];
    if (!cn) return { CreditNote: { CreditNoteID: p.CreditNoteID } };
    const summary = { CreditNoteNumber: cn.CreditNoteNumber, Type: cn.Type, CurrencyCode: cn.CurrencyCode, Contact: { ContactID: cn.ContactID, Name: data.contacts[cn.ContactID]?.Name } };
    return { Invoice: { InvoiceID: cn.CreditNoteID, InvoiceNumber: cn.CreditNoteNumber, ...summary }, CreditNote: { CreditNoteID: cn.CreditNoteID, ...summary } };
  }
  const inv = p.InvoiceID ? data.invoices[p.InvoiceID] : undefined;
  return { Invoice: inv ? wireInvoice(inv, data, { lineItems: false, unitdp: 2, summaryOnly: true }) : { InvoiceID: p.InvoiceID } };
}

export function wirePayment(p: PaymentRecord, data: XeroData): Record<string, unknown> {
  const account = accountByCode(p.AccountCode);
  return {
    PaymentID: p.PaymentID,
    Date: ymdToMsDate(p.Date),
    BankAmount: money(bankAmount(p)),
    Amount: money(p.amount),
    ...(p.Reference ? { Reference: p.Reference } : {}),
    CurrencyRate: p.CurrencyRate,
    PaymentType: p.PaymentType,
    Status: p.Status,
    UpdatedDateUTC: msDate(p.UpdatedDateUTC),
    HasAccount: true,
    IsReconciled: p.IsReconciled,
    Account: { AccountID: account?.AccountID, Code: p.AccountCode, Name: account?.Name },
    ...paidDocument(p, data),
    HasValidationErrors: false,
  };
}
