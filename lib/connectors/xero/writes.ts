/**
 * Writes to Xero: a sales invoice (finding or creating its contact), a payment against an
 * invoice, a refund of one (a credit note refunded in cash), and voiding. Every write carries an
 * Idempotency-Key, so the shared layer may repeat it and a retried job creates nothing twice.
 * Amounts leave Concord as exact decimals.
 * https://developer.xero.com/documentation/api/accounting/invoices#put-invoices
 * https://developer.xero.com/documentation/api/accounting/payments#put-payments
 */
import { CreditNote, CurrencyCode, Invoice, LineAmountTypes, type LineItem } from "xero-node";
import { ProviderError } from "../errors";
import { currencyCode, exponentOf, MoneyError, toDecimal, toMinor } from "../../normalize/money";
import { checkRefundDraft, withRefundMarker } from "../refunds";
import type { ExternalInvoice, ExternalPayment, InvoiceDraft, PaymentDraft, RefundDraft, WriteOptions } from "../types";
import { parseAnswer, xeroIdempotencyKey, type XeroApi } from "./api";
import { formatReference, isInvoiceRefund, isSalesInvoice, MAX_REFERENCE, mapCreditNoteRefund, mapInvoice, mapPayment } from "./mappers";
import { contactsEnvelope, creditNotesEnvelope, invoicesEnvelope, paymentsEnvelope, savedPaymentsEnvelope, type XeroInvoice } from "./schemas";

export type WriteSettings = {
  /** Revenue account every line is coded to. */
  salesAccountCode: string;
  /** Bank account payments are received into. */
  bankAccountCode: string;
};

const invalid = (message: string, code?: string) => new ProviderError("xero", "invalid", message, code ? { code } : {});

function xeroCurrency(code: string): CurrencyCode {
  let normalized: string;
  try {
    normalized = currencyCode(code);
  } catch (error) {
    throw invalid(error instanceof MoneyError ? error.message : String(error), "currency");
  }
  const value = CurrencyCode[normalized as keyof typeof CurrencyCode];
  if (value === undefined) throw invalid(`Xero does not support the currency ${normalized}`, "currency");
  return value;
}

function scaledDecimal(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, digits.length - scale)}${scale ? `.${digits.slice(-scale)}` : ""}`;
}

/**
 * Xero keeps invoice and payment amounts to 2 decimal places (unit prices to 4 with unitdp=4).
 * An amount it would have to round is refused here, before anything is written: a rounded total
 * would silently differ from Concord's. `amount` is an integer of 10^-scale units.
 */
function assertTwoDecimals(amount: bigint, scale: number, what: string, currency: string): void {
  if (scale <= 2 || amount % 10n ** BigInt(scale - 2) === 0n) return;
  throw invalid(`${what} needs more than the 2 decimal places Xero keeps (${scaledDecimal(amount, scale)} ${currency})`, "precision");
}

/** A quantity as Xero takes it: a plain decimal with at most 4 places. */
function quantityParts(quantity: string, index: number): { digits: bigint; scale: number } {
  const match = /^(-)?(\d+)(?:\.(\d{1,4}))?$/.exec(quantity.trim());
  if (!match) throw invalid(`Line ${index + 1}: quantity "${quantity}" is not a decimal with at most 4 places`, "quantity");
  const fraction = match[3] ?? "";
  const digits = BigInt(`${match[2]}${fraction}`);
  return { digits: match[1] ? -digits : digits, scale: fraction.length };
}

/**
 * Minor units as the JSON number xero-node sends (its models type amounts as numbers). A
 * decimal string becomes the double whose shortest form is that same string, which JSON then
 * writes back unchanged; the round trip is checked so no amount is ever sent approximately.
 */
function exactNumber(minorUnits: bigint, currency: string): number {
  const text = toDecimal(minorUnits, currency);
  const value = Number(text);
  if (!Number.isFinite(value) || toMinor(value, currency) !== minorUnits) throw invalid(`${text} ${currency} cannot be sent to Xero exactly`, "precision");
  return value;
}

const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * The Xero contact of an invoice: the one Concord knows (externalId), else the active contact of
 * that name (Xero keeps active names unique), else a new one. searchTerm rather than a `where`
 * on Name: it needs no quoting of names with quotes or backslashes.
 * https://developer.xero.com/documentation/api/accounting/contacts#get-contacts
 */
async function contactIdFor(api: XeroApi, customer: InvoiceDraft["customer"], key: string): Promise<string> {
  if (customer.externalId) return customer.externalId;
  const name = customer.name.trim();
  if (!name) throw invalid("The invoice's customer has no name", "customer");
  const find = async (): Promise<string | null> => {
    for (let page = 1; page <= 5; page++) {
      const data = await api.call({ idempotent: true }, (x, t) => x.getContacts(t, undefined, undefined, undefined, undefined, page, false, undefined, name, 100));
      const found = parseAnswer(contactsEnvelope, data, "Contacts").Contacts;
      const match = found.find((c) => sameName(c.Name, name) && (c.ContactStatus ?? "ACTIVE").toUpperCase() === "ACTIVE");
      if (match) return match.ContactID;
      if (found.length < 100) return null;
    }
    return null;
  };
  const existing = await find();
  if (existing) return existing;
  try {
    const data = await api.call({ idempotent: true }, (x, t) => x.createContacts(t, { contacts: [{ name, emailAddress: customer.email ?? undefined }] }, true, xeroIdempotencyKey(`${key}:contact`)));
    const contact = parseAnswer(contactsEnvelope, data, "Contacts").Contacts[0];
    if (!contact) throw new ProviderError("xero", "server", "Xero created no contact", { code: "unexpected_response" });
    return contact.ContactID;
  } catch (error) {
    // Someone created the same name meanwhile: Xero refuses the duplicate, the search now finds it.
    if (error instanceof ProviderError && error.kind === "invalid") {
      const raced = await find();
      if (raced) return raced;
    }
    throw error;
  }
}

/**
 * An approved (AUTHORISED) sales invoice with Reference `concord:<id>`. Lines are NoTax: Concord's
 * lines carry no tax, and Xero adding its own would make the total differ from Concord's.
 */
/**
 * Concord lines as Xero line items on the sales account, refused before anything is written when
 * Xero would have to round one (quantity × unit amount beyond 2 decimals, a quantity beyond 4).
 */
export function lineItemsFor(lines: InvoiceDraft["lines"], currencyCodeText: string, settings: WriteSettings): LineItem[] {
  const exponent = exponentOf(currencyCodeText);
  return lines.map((line, i) => {
    const quantity = quantityParts(line.quantity, i);
    assertTwoDecimals(quantity.digits * line.unitAmountMinor, quantity.scale + exponent, `Line ${i + 1} (${line.quantity} × ${toDecimal(line.unitAmountMinor, currencyCodeText)})`, currencyCodeText);
    return { description: line.description, quantity: Number(line.quantity), unitAmount: exactNumber(line.unitAmountMinor, currencyCodeText), accountCode: settings.salesAccountCode };
  });
}

export async function createInvoice(api: XeroApi, settings: WriteSettings, draft: InvoiceDraft, options: WriteOptions): Promise<ExternalInvoice> {
  const currency = xeroCurrency(draft.currency);
  if (draft.lines.length === 0) throw invalid("An invoice needs at least one line", "lines");
  const lineItems = lineItemsFor(draft.lines, String(currency), settings);
  const contactID = await contactIdFor(api, draft.customer, options.idempotencyKey);
  const invoice: Invoice = {
    type: Invoice.TypeEnum.ACCREC,
    contact: { contactID },
    date: draft.issueDate ?? undefined,
    dueDate: draft.dueDate ?? undefined,
    lineAmountTypes: LineAmountTypes.NoTax,
    lineItems,
    currencyCode: currency,
    status: Invoice.StatusEnum.AUTHORISED,
    reference: formatReference(draft.concordId, draft.memo),
    invoiceNumber: draft.number ?? undefined,
  };
  // unitdp=4: unit prices of three-decimal currencies keep their last digit.
  const data = await api.call({ idempotent: true }, (x, t) => x.createInvoices(t, { invoices: [invoice] }, true, 4, xeroIdempotencyKey(options.idempotencyKey)));
  const created = parseAnswer(invoicesEnvelope, data, "Invoices").Invoices[0];
  if (!created) throw new ProviderError("xero", "server", "Xero created no invoice", { code: "unexpected_response" });
  return mapInvoice(created);
}

export async function fetchInvoice(api: XeroApi, id: string): Promise<XeroInvoice> {
  const data = await api.call({ idempotent: true }, (x, t) => x.getInvoice(t, id));
  const invoice = parseAnswer(invoicesEnvelope, data, "Invoice").Invoices[0];
  if (!invoice || !isSalesInvoice(invoice)) throw new ProviderError("xero", "not_found", `Xero has no sales invoice ${id}`, { status: 404 });
  return invoice;
}

/**
 * A payment into the bank account. Xero refuses a payment larger than AmountDue, or on an invoice
 * that is not AUTHORISED, with a ValidationException: that reaches the caller as kind "invalid"
 * with Xero's message. The invoice is read first only to check the currency (a Xero payment is
 * in its invoice's currency), never to decide what Xero decides, so a retry with the same key
 * still replays.
 */
export async function recordPayment(api: XeroApi, settings: WriteSettings, draft: PaymentDraft, options: WriteOptions): Promise<ExternalPayment> {
  const currency = String(xeroCurrency(draft.currency));
  if (draft.amountMinor <= 0n) throw invalid("A payment amount must be greater than zero", "amount");
  assertTwoDecimals(draft.amountMinor, exponentOf(currency), "The payment amount", currency);
  const invoice = await fetchInvoice(api, draft.invoiceExternalId);
  if (invoice.CurrencyCode.toUpperCase() !== currency) {
    throw invalid(`The payment is in ${currency} but Xero invoice ${invoice.InvoiceNumber ?? invoice.InvoiceID} is in ${invoice.CurrencyCode}`, "currency");
  }
  const payment = {
    invoice: { invoiceID: invoice.InvoiceID },
    account: { code: settings.bankAccountCode },
    date: draft.paidOn,
    amount: exactNumber(draft.amountMinor, currency),
    reference: draft.reference ?? undefined,
  };
  const data = await api.call({ idempotent: true }, (x, t) => x.createPayments(t, { payments: [payment] }, true, xeroIdempotencyKey(options.idempotencyKey)));
  const created = parseAnswer(paymentsEnvelope, data, "Payments").Payments[0];
  if (!created) throw new ProviderError("xero", "server", "Xero recorded no payment", { code: "unexpected_response" });
  // The payment's invoice summary normally names the currency; the invoice just read does anyway.
  return mapPayment({ ...created, Invoice: { InvoiceID: invoice.InvoiceID, ...created.Invoice, CurrencyCode: created.Invoice?.CurrencyCode ?? invoice.CurrencyCode } });
}

/**
 * Money returned for an invoice, as Xero records a refund: an AUTHORISED sales credit note
 * (ACCRECCREDIT) for the invoice's contact, in its currency, dated `refundedOn`, one NoTax line of
 * the amount on the sales account, then a cash refund of it (a payment against the credit note,
 * out of the bank account payments come into), which uses it up. Xero ties a credit note to an
 * invoice only by allocating it, and an allocation lowers what is owed (a credit, not money
 * returned), so the link is the Reference: `refund-of:<InvoiceID>` first (mappers.ts reads it
 * back), then the caller's reference or "Refund of INV-…". The invoice is left as it is: paid.
 * Each PUT carries its own key derived from the caller's, so a retry replays what was done and
 * does the rest. Checked before anything is written: the draft, the invoice's currency, and that
 * at least this much was paid on it. Answers the credit note as read back after the refund.
 * https://developer.xero.com/documentation/api/accounting/creditnotes#put-creditnotes
 * https://developer.xero.com/documentation/api/accounting/payments#put-payments (CreditNote)
 */
export async function recordRefund(api: XeroApi, settings: WriteSettings, draft: RefundDraft, options: WriteOptions): Promise<ExternalPayment> {
  const refund = checkRefundDraft("xero", draft);
  const currency = xeroCurrency(refund.currency);
  assertTwoDecimals(refund.amountMinor, exponentOf(refund.currency), "The refund amount", refund.currency);
  const invoice = await fetchInvoice(api, refund.invoiceExternalId);
  if (invoice.CurrencyCode.toUpperCase() !== refund.currency) {
    throw invalid(`The refund is in ${refund.currency} but Xero invoice ${invoice.InvoiceNumber ?? invoice.InvoiceID} is in ${invoice.CurrencyCode}`, "currency_mismatch");
  }
  const paid = toMinor(invoice.AmountPaid, refund.currency);
  if (refund.amountMinor > paid) throw invalid(`A refund of ${toDecimal(refund.amountMinor, refund.currency)} exceeds the ${toDecimal(paid, refund.currency)} paid on Xero invoice ${invoice.InvoiceNumber ?? invoice.InvoiceID}`, "refund_exceeds_paid");
  const contactID = invoice.Contact?.ContactID;
  if (!contactID) throw invalid(`Xero invoice ${invoice.InvoiceID} has no contact`, "customer");
  const amount = exactNumber(refund.amountMinor, refund.currency);
  const label = `Refund of ${invoice.InvoiceNumber?.trim() || invoice.InvoiceID}`;
  const note: CreditNote = {
    type: CreditNote.TypeEnum.ACCRECCREDIT,
    contact: { contactID },
    date: refund.refundedOn,
    status: CreditNote.StatusEnum.AUTHORISED,
    lineAmountTypes: LineAmountTypes.NoTax,
    currencyCode: currency,
    reference: withRefundMarker(invoice.InvoiceID, refund.reference ?? label, MAX_REFERENCE),
    lineItems: [{ description: label, quantity: 1, unitAmount: amount, accountCode: settings.salesAccountCode }],
  };
  const key = options.idempotencyKey;
  const createdData = await api.call({ idempotent: true }, (x, t) => x.createCreditNotes(t, { creditNotes: [note] }, true, undefined, xeroIdempotencyKey(`${key}:credit-note`)));
  const created = parseAnswer(creditNotesEnvelope, createdData, "CreditNotes").CreditNotes[0];
  if (!created) throw new ProviderError("xero", "server", "Xero created no credit note", { code: "unexpected_response" });
  const refundPayment = { creditNote: { creditNoteID: created.CreditNoteID }, account: { code: settings.bankAccountCode }, date: refund.refundedOn, amount, reference: refund.reference ?? undefined };
  const paidOut = await api.call({ idempotent: true }, (x, t) => x.createPayments(t, { payments: [refundPayment] }, true, xeroIdempotencyKey(`${key}:refund`)));
  if (!parseAnswer(savedPaymentsEnvelope, paidOut, "Payments").Payments[0]) throw new ProviderError("xero", "server", "Xero recorded no refund", { code: "unexpected_response" });
  const readData = await api.call({ idempotent: true }, (x, t) => x.getCreditNote(t, created.CreditNoteID));
  const current = parseAnswer(creditNotesEnvelope, readData, "CreditNote").CreditNotes[0];
  if (!current || !isInvoiceRefund(current)) throw new ProviderError("xero", "server", `Xero answered credit note ${created.CreditNoteID} without its refund-of reference`, { code: "unexpected_response" });
  return mapCreditNoteRefund(current);
}

/**
 * Voids an approved invoice; a draft (DRAFT/SUBMITTED) cannot be voided in Xero, only deleted,
 * which is what voiding means for it. Already void or deleted: nothing to write. A paid invoice,
 * or one with payments, must have its payments removed first (Xero refuses).
 * https://developer.xero.com/documentation/api/accounting/invoices#post-invoices
 */
export async function voidInvoice(api: XeroApi, id: string, options: WriteOptions): Promise<ExternalInvoice> {
  const current = await fetchInvoice(api, id);
  const status = current.Status.toUpperCase();
  if (status === "VOIDED" || status === "DELETED") return mapInvoice(current);
  if (status === "PAID") throw invalid(`Xero invoice ${current.InvoiceNumber ?? id} is paid; remove its payments before voiding it`, "status");
  const target = status === "AUTHORISED" ? Invoice.StatusEnum.VOIDED : Invoice.StatusEnum.DELETED;
  const data = await api.call({ idempotent: true }, (x, t) => x.updateInvoice(t, current.InvoiceID, { invoices: [{ status: target }] }, undefined, xeroIdempotencyKey(options.idempotencyKey)));
  const updated = parseAnswer(invoicesEnvelope, data, "Invoices").Invoices[0];
  if (!updated) throw new ProviderError("xero", "server", "Xero answered no invoice", { code: "unexpected_response" });
  return mapInvoice(updated);
}
