/**
 * Validates one submitted invoice against the organisation (and the objects before it in the
 * same request) and prepares its save. Xero's rules: new invoices are DRAFT, SUBMITTED or
 * AUTHORISED; DRAFT/SUBMITTED may be deleted, AUTHORISED only voided (and only without
 * payments); PAID comes from payments alone; the lines (and contact, currency, date) of an
 * approved invoice change only without payments, its due date either way, and nothing of a PAID,
 * VOIDED or DELETED one; sales invoice numbers are unique; a contact given by a new name is created.
 * https://developer.xero.com/documentation/api/accounting/invoices#post-invoices
 * https://developer.xero.com/documentation/api/accounting/types#invoice-status-codes
 */
import { randomUUID } from "node:crypto";
import type { ApiContext } from "../core/sandbox";
import type { Plan } from "./batch";
import { newContact, putContact } from "./contacts";
import { msToYmd, parseDateInput } from "./dates";
import { buildLines, retax, totals } from "./invoice-lines";
import { fromUnits, toUnits } from "./money";
import { BASE_CURRENCY, defaultCurrencyRate, isKnownCurrency } from "./org";
import type { InvoiceInput } from "./schemas";
import { type ContactRecord, contactNameKey, entry, INVOICE_STATUSES, invoiceNumberKey, INVOICE_TYPES, type InvoiceRecord, type InvoiceStatus, type InvoiceType, LINE_AMOUNT_TYPES, type LineAmountTypes, type XeroData } from "./types";
import { emitEvent } from "./webhooks";
import { wireInvoice } from "./wire";

const TRANSITIONS: Record<InvoiceStatus, readonly InvoiceStatus[]> = {
  DRAFT: ["DRAFT", "SUBMITTED", "AUTHORISED", "DELETED"],
  SUBMITTED: ["SUBMITTED", "DRAFT", "AUTHORISED", "DELETED"],
  AUTHORISED: ["AUTHORISED", "VOIDED"],
  PAID: ["PAID"],
  VOIDED: ["VOIDED"],
  DELETED: ["DELETED"],
};
const MAX_TOTAL_CENTS = 1e13;
const LOCKED: ReadonlySet<InvoiceStatus> = new Set(["PAID", "VOIDED", "DELETED"]);

export type PlanOptions = { mode: "create" | "upsert"; unitdp: 2 | 4; targetId?: string };

export function findInvoice(data: XeroData, idOrNumber: string): InvoiceRecord | undefined {
  const byId = entry(data.invoices, idOrNumber.toLowerCase());
  if (byId) return byId;
  const id = entry(data.invoiceNumbers, invoiceNumberKey(idOrNumber));
  return id ? entry(data.invoices, id) : undefined;
}

function oneOf<T extends string>(values: readonly T[], raw: string | null | undefined): T | undefined {
  if (raw == null) return undefined;
  return values.find((v) => v.toLowerCase() === raw.trim().toLowerCase());
}

function formatNumber(n: number): string {
  return `INV-${String(n).padStart(4, "0")}`;
}

export function invoicePlanner(ctx: ApiContext<XeroData>, opts: PlanOptions): (input: InvoiceInput) => Plan {
  const { data, sandbox, account } = ctx;
  const claimedNumbers = new Set<string>();
  const newContacts = new Map<string, ContactRecord>();
  let nextNumber = data.nextInvoiceNumber;

  return (input) => {
    const errors: string[] = [];
    const explicitId = opts.targetId ?? input.InvoiceID?.toLowerCase();
    let existing = explicitId ? entry(data.invoices, explicitId) : undefined;
    if (explicitId && !existing && opts.mode === "upsert") errors.push("The Invoice with the specified InvoiceID could not be found.");
    if (existing && opts.mode === "create") errors.push("An invoice with this InvoiceID already exists; update it with POST.");
    if (!explicitId && opts.mode === "upsert" && input.InvoiceNumber) existing = findInvoice(data, input.InvoiceNumber);
    if (errors.length) return { ok: false, errors };

    const type: InvoiceType | undefined = existing?.Type ?? oneOf(INVOICE_TYPES, input.Type);
    if (!type) return { ok: false, errors: ["Invoice not of valid type for creation"] };
    if (existing && input.Type && oneOf(INVOICE_TYPES, input.Type) !== existing.Type) errors.push("The invoice Type cannot be changed.");

    const requestedStatus = input.Status == null ? undefined : oneOf(INVOICE_STATUSES, input.Status);
    const unknownStatus = input.Status != null && !requestedStatus;
    const status: InvoiceStatus = requestedStatus ?? existing?.Status ?? "DRAFT";
    if (!existing && (unknownStatus || !TRANSITIONS.DRAFT.includes(status) || status === "DELETED")) errors.push("Invoice not of valid status for creation");
    if (existing && (unknownStatus || !TRANSITIONS[existing.Status].includes(status))) errors.push("Invoice not of valid status for modification");
    if (existing?.Status === "AUTHORISED" && status === "VOIDED" && existing.amountPaid > 0) errors.push("This document cannot be voided as it has a payment or credit note allocated to it.");

    // The contact: by ContactID, else by name (created when new).
    let contactId = existing?.ContactID;
    let pendingContact: ContactRecord | undefined;
    if (input.Contact) {
      const byId = input.Contact.ContactID ? entry(data.contacts, input.Contact.ContactID.toLowerCase()) : undefined;
      const name = input.Contact.Name?.trim();
      if (input.Contact.ContactID && !byId) errors.push("The contact with the specified ContactID could not be found.");
      else if (byId) contactId = byId.ContactID;
      else if (name) {
        const key = contactNameKey(name);
        const known = data.contactNames[key];
        if (known) contactId = known;
        else {
          pendingContact = newContacts.get(key) ?? newContact(input.Contact.Name!, 0);
          newContacts.set(key, pendingContact);
          contactId = pendingContact.ContactID;
        }
      } else errors.push("A Contact must be specified for this type of transaction");
    } else if (!existing) errors.push("A Contact must be specified for this type of transaction");

    const date = input.Date ? parseDateInput(input.Date) : (existing?.Date ?? msToYmd(sandbox.clock.now()));
    if (!date) errors.push(`The string '${input.Date}' is not a valid AllXsd value.`);
    const dueDate = input.DueDate === undefined ? (existing?.DueDate ?? null) : input.DueDate ? parseDateInput(input.DueDate) : null;
    if (input.DueDate && !dueDate) errors.push(`The string '${input.DueDate}' is not a valid AllXsd value.`);

    const currency = input.CurrencyCode?.trim().toUpperCase() || existing?.CurrencyCode || (contactId && data.contacts[contactId]?.DefaultCurrency) || BASE_CURRENCY;
    if (!isKnownCurrency(currency)) errors.push(`Organisation is not subscribed to currency ${currency}`);
    const rate6 = input.CurrencyRate == null ? null : toUnits(input.CurrencyRate, 6);
    if (rate6 !== null && rate6 <= 0) errors.push("The CurrencyRate must be greater than zero.");
    const currencyRate = currency === BASE_CURRENCY ? 1 : rate6 ? fromUnits(rate6, 6) : existing?.CurrencyCode === currency ? existing.CurrencyRate : defaultCurrencyRate(currency);

    const lineAmountTypes: LineAmountTypes | undefined = input.LineAmountTypes == null ? (existing?.LineAmountTypes ?? "Exclusive") : oneOf(LINE_AMOUNT_TYPES, input.LineAmountTypes);
    if (!lineAmountTypes) return { ok: false, errors: [...errors, `Error converting value "${input.LineAmountTypes}" to type 'LineAmountType'.`] };
    let lines = existing ? existing.LineItems : [];
    if (input.LineItems) {
      const built = buildLines(input.LineItems, { type, lineAmountTypes, unitdp: opts.unitdp, previous: lines });
      errors.push(...built.errors);
      lines = built.lines;
    } else if (existing && lineAmountTypes !== existing.LineAmountTypes) lines = retax(lines, type, lineAmountTypes);
    if (status === "SUBMITTED" || status === "AUTHORISED") {
      if (lines.length === 0) errors.push("One or more line items must be specified");
      for (const l of lines) if (!l.AccountCode) errors.push("Account code '' is not a valid code for this document.");
    }
    const sums = totals(lines, lineAmountTypes);
    if (sums.total < 0) errors.push("The invoice total cannot be negative.");
    if (Math.abs(sums.total) > MAX_TOTAL_CENTS) errors.push("The invoice total is too large.");

    if (existing) {
      const contentChanged = !!input.LineItems || contactId !== existing.ContactID || currency !== existing.CurrencyCode || lineAmountTypes !== existing.LineAmountTypes || date !== existing.Date;
      // The due date of an approved invoice may change with payments on it, not once it is paid or void.
      const dueChanged = dueDate !== existing.DueDate;
      if ((contentChanged || dueChanged) && LOCKED.has(existing.Status)) errors.push("Invoice not of valid status for modification");
      else if (contentChanged && existing.amountPaid > 0) errors.push("This document cannot be edited as it has a payment or credit note allocated to it.");
    }

    // Sales invoice numbers are unique; new ones without a number get the next INV-nnnn.
    let number = input.InvoiceNumber?.trim() ?? existing?.InvoiceNumber ?? "";
    if (type === "ACCREC") {
      const holder = entry(data.invoiceNumbers, invoiceNumberKey(number));
      if (number && ((holder && holder !== existing?.InvoiceID) || claimedNumbers.has(invoiceNumberKey(number)))) errors.push("Invoice # must be unique.");
      if (!number && !errors.length) {
        const taken = (n: number) => !!entry(data.invoiceNumbers, invoiceNumberKey(formatNumber(n))) || claimedNumbers.has(invoiceNumberKey(formatNumber(n)));
        while (taken(nextNumber)) nextNumber++;
        number = formatNumber(nextNumber++);
      }
    }
    if (errors.length) return { ok: false, errors: [...new Set(errors)] };
    if (type === "ACCREC") claimedNumbers.add(invoiceNumberKey(number));

    const settled = status === "VOIDED" || status === "DELETED";
    const amountPaid = existing?.amountPaid ?? 0;
    const amountCredited = existing?.amountCredited ?? 0;
    const draft: Omit<InvoiceRecord, "UpdatedDateUTC" | "InvoiceID"> = {
      InvoiceNumber: number,
      Type: type,
      ContactID: contactId!,
      Date: date!,
      DueDate: dueDate,
      Status: status,
      LineAmountTypes: lineAmountTypes,
      LineItems: lines,
      ...sums,
      amountDue: settled ? 0 : sums.total - amountPaid - amountCredited,
      amountPaid,
      amountCredited,
      CurrencyCode: currency,
      CurrencyRate: currencyRate,
      FullyPaidOnDate: existing?.FullyPaidOnDate ?? null,
      Reference: input.Reference ?? existing?.Reference ?? "",
      SentToContact: input.SentToContact ?? existing?.SentToContact ?? false,
      PaymentIDs: existing?.PaymentIDs ?? [],
    };

    return {
      ok: true,
      apply: () => {
        const now = sandbox.clock.now();
        if (pendingContact && !data.contacts[pendingContact.ContactID]) {
          putContact(data, { ...pendingContact, UpdatedDateUTC: now });
          emitEvent(sandbox, account.id, "CONTACT", "CREATE", pendingContact.ContactID);
        }
        markContactRole(data, draft.ContactID, type, now);
        const invoice: InvoiceRecord = { ...draft, InvoiceID: existing?.InvoiceID ?? randomUUID(), UpdatedDateUTC: now };
        const previousKey = existing ? invoiceNumberKey(existing.InvoiceNumber) : null;
        if (previousKey && existing!.Type === "ACCREC" && data.invoiceNumbers[previousKey] === existing!.InvoiceID) delete data.invoiceNumbers[previousKey];
        data.invoices[invoice.InvoiceID] = invoice;
        if (type === "ACCREC") data.invoiceNumbers[invoiceNumberKey(number)] = invoice.InvoiceID;
        data.nextInvoiceNumber = Math.max(data.nextInvoiceNumber, nextNumber);
        emitEvent(sandbox, account.id, "INVOICE", existing ? "UPDATE" : "CREATE", invoice.InvoiceID);
        return wireInvoice(invoice, data, { lineItems: true, unitdp: opts.unitdp });
      },
    };
  };
}

/** IsCustomer / IsSupplier follow the invoices a contact has (read-only in the API). */
function markContactRole(data: XeroData, contactId: string, type: InvoiceType, now: number): void {
  const contact = data.contacts[contactId];
  if (!contact) return;
  const flag = type === "ACCREC" ? "IsCustomer" : "IsSupplier";
  if (!contact[flag]) data.contacts[contactId] = { ...contact, [flag]: true, UpdatedDateUTC: now };
}
