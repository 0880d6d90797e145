/**
 * The state of one Xero organisation (tenant) in the sandbox. Plain JSON so it can be saved to the
 * state file. Records keep Xero's field names; money is held in integer units (cents for amounts,
 * ten-thousandths for quantities and unit prices, which Xero allows to 4 decimals with unitdp=4)
 * and converted to Xero's decimal numbers only at the edge (wire.ts).
 */

export const INVOICE_TYPES = ["ACCREC", "ACCPAY"] as const;
export type InvoiceType = (typeof INVOICE_TYPES)[number];

export const INVOICE_STATUSES = ["DRAFT", "SUBMITTED", "AUTHORISED", "PAID", "VOIDED", "DELETED"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const LINE_AMOUNT_TYPES = ["Exclusive", "Inclusive", "NoTax"] as const;
export type LineAmountTypes = (typeof LINE_AMOUNT_TYPES)[number];

export type LineItemRecord = {
  LineItemID: string;
  Description: string;
  /** Ten-thousandths of a unit. */
  quantity4: number;
  /** Ten-thousandths of the currency unit. */
  unitAmount4: number;
  AccountCode: string | null;
  ItemCode: string | null;
  TaxType: string;
  /** Cents. */
  taxAmount: number;
  /** Cents. */
  lineAmount: number;
};

export type InvoiceRecord = {
  InvoiceID: string;
  InvoiceNumber: string;
  Type: InvoiceType;
  ContactID: string;
  /** YYYY-MM-DD */
  Date: string;
  DueDate: string | null;
  Status: InvoiceStatus;
  LineAmountTypes: LineAmountTypes;
  LineItems: LineItemRecord[];
  /** Cents, like every amount below. */
  subTotal: number;
  totalTax: number;
  total: number;
  amountDue: number;
  amountPaid: number;
  amountCredited: number;
  CurrencyCode: string;
  CurrencyRate: number;
  /** YYYY-MM-DD of the payment that settled it. */
  FullyPaidOnDate: string | null;
  Reference: string;
  SentToContact: boolean;
  PaymentIDs: string[];
  /** Epoch milliseconds. */
  UpdatedDateUTC: number;
};

export type ContactStatus = "ACTIVE" | "ARCHIVED";

export type ContactRecord = {
  ContactID: string;
  Name: string;
  FirstName: string | null;
  LastName: string | null;
  EmailAddress: string | null;
  ContactNumber: string | null;
  AccountNumber: string | null;
  ContactStatus: ContactStatus;
  IsCustomer: boolean;
  IsSupplier: boolean;
  DefaultCurrency: string | null;
  UpdatedDateUTC: number;
};

export const CREDIT_NOTE_TYPES = ["ACCRECCREDIT", "ACCPAYCREDIT"] as const;
export type CreditNoteType = (typeof CREDIT_NOTE_TYPES)[number];

/**
 * A credit note: money owed back to a customer (ACCRECCREDIT) or by a supplier (ACCPAYCREDIT).
 * It is used up by allocations to invoices (not modelled) or by cash refunds: payments against
 * it, which lower RemainingCredit and at zero make it PAID. Statuses as invoices'.
 * https://developer.xero.com/documentation/api/accounting/creditnotes
 */
export type CreditNoteRecord = {
  CreditNoteID: string;
  CreditNoteNumber: string;
  Type: CreditNoteType;
  ContactID: string;
  /** YYYY-MM-DD */
  Date: string;
  Status: InvoiceStatus;
  LineAmountTypes: LineAmountTypes;
  LineItems: LineItemRecord[];
  /** Cents, like every amount below. */
  subTotal: number;
  totalTax: number;
  total: number;
  remainingCredit: number;
  CurrencyCode: string;
  CurrencyRate: number;
  /** YYYY-MM-DD of the refund that used up the last of it. */
  FullyPaidOnDate: string | null;
  Reference: string;
  SentToContact: boolean;
  PaymentIDs: string[];
  UpdatedDateUTC: number;
};

export type PaymentRecord = {
  PaymentID: string;
  /** The invoice it pays; null for a refund of a credit note. */
  InvoiceID: string | null;
  /** The credit note it refunds (absent in state saved before credit notes were modelled). */
  CreditNoteID?: string | null;
  AccountCode: string;
  /** YYYY-MM-DD */
  Date: string;
  /** Cents, in the invoice's currency. */
  amount: number;
  CurrencyRate: number;
  Reference: string;
  Status: "AUTHORISED" | "DELETED";
  PaymentType: "ACCRECPAYMENT" | "ACCPAYPAYMENT" | "ARCREDITPAYMENT" | "APCREDITPAYMENT";
  IsReconciled: boolean;
  UpdatedDateUTC: number;
};

/** An app's connection to this tenant, as GET /connections lists it. */
export type ConnectionRecord = { id: string; authEventId: string; createdDateUtc: number; updatedDateUtc: number };

export type XeroData = {
  invoices: Record<string, InvoiceRecord>;
  /** invoiceNumberKey(ACCREC number) → InvoiceID (sales invoice numbers are unique). */
  invoiceNumbers: Record<string, string>;
  nextInvoiceNumber: number;
  contacts: Record<string, ContactRecord>;
  /** contactNameKey(name) → ContactID (names are unique across active contacts). */
  contactNames: Record<string, string>;
  payments: Record<string, PaymentRecord>;
  /** Optional: state files saved before credit notes were modelled lack it. Read it through `creditNotesOf`. */
  creditNotes?: Record<string, CreditNoteRecord>;
  nextCreditNoteNumber?: number;
  /** By OAuth client id. */
  connections: Record<string, ConnectionRecord>;
};

export function newXeroData(): XeroData {
  return { invoices: {}, invoiceNumbers: {}, nextInvoiceNumber: 1, contacts: {}, contactNames: {}, payments: {}, creditNotes: {}, nextCreditNoteNumber: 1, connections: {} };
}

export function creditNotesOf(data: XeroData): Record<string, CreditNoteRecord> {
  return (data.creditNotes ??= {});
}

/** Index keys carry a prefix, so no name or number can be "__proto__" or "constructor". */
export function contactNameKey(name: string): string {
  return `name:${name.trim().toLowerCase()}`;
}

export function invoiceNumberKey(number: string): string {
  return `number:${number.trim().toLowerCase()}`;
}

/** An own entry of a record: ids arrive in requests, and "constructor" must not find Object's. */
export function entry<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
