/**
 * A realm's state: entities kept in QuickBooks' own JSON shape (what GET returns), keyed by Id,
 * plus the few indexes the API needs (unique DisplayName, unique DocNumber), voided invoice ids
 * and tombstones of deleted entities for CDC. Plain JSON, so it can be saved to a state file.
 *
 * Ids: QuickBooks numbers name-list entities (Customer, Vendor...) and transactions (Invoice,
 * Payment...) from two separate sequences, so an invoice and a payment never share an Id.
 */

export type Ref = { value: string; name?: string };
export type MetaData = { CreateTime: string; LastUpdatedTime: string };
/** Fields QuickBooks knows that the sandbox stores as sent without modelling them. */
type Extra = { [field: string]: unknown };

export type Entity = Extra & { Id: string; SyncToken: string; domain: "QBO"; sparse: boolean; MetaData: MetaData };

export type Customer = Entity & {
  DisplayName: string;
  FullyQualifiedName: string;
  PrintOnCheckName: string;
  CompanyName?: string;
  GivenName?: string;
  FamilyName?: string;
  PrimaryEmailAddr?: { Address: string };
  CurrencyRef: Ref;
  Balance: number;
  BalanceWithJobs: number;
  Active: boolean;
  Job: boolean;
  BillWithParent: boolean;
  Taxable: boolean;
};

export type InvoiceLine = Extra & { Id?: string; LineNum?: number; Description?: string; Amount?: number; DetailType: string };
export type LinkedTxn = { TxnId: string; TxnType: string };

export type Invoice = Entity & {
  DocNumber: string;
  TxnDate: string;
  DueDate: string;
  CurrencyRef: Ref;
  CustomerRef: Ref;
  Line: InvoiceLine[];
  TotalAmt: number;
  Balance: number;
  LinkedTxn: LinkedTxn[];
  TxnTaxDetail: { TotalTax: number };
  EmailStatus: "NotSet" | "NeedToSend" | "EmailSent";
  PrintStatus: string;
  ApplyTaxAfterDiscount: boolean;
  Deposit: number;
  PrivateNote?: string;
  CustomerMemo?: { value: string };
  BillEmail?: { Address: string };
};

export type PaymentLine = Extra & { Amount: number; LinkedTxn: LinkedTxn[] };

export type Payment = Entity & {
  TxnDate: string;
  CurrencyRef: Ref;
  CustomerRef: Ref;
  TotalAmt: number;
  UnappliedAmt: number;
  ProcessPayment: boolean;
  Line: PaymentLine[];
  PrivateNote?: string;
  PaymentRefNum?: string;
};

export const ENTITIES = ["Customer", "Invoice", "Payment"] as const;
export type EntityName = (typeof ENTITIES)[number];
export type EntityOf<E extends EntityName> = { Customer: Customer; Invoice: Invoice; Payment: Payment }[E];

export type Tombstone = { entity: EntityName; Id: string; deletedAt: number; LastUpdatedTime: string };

export type QuickbooksData = {
  createdAt: number;
  seq: { name: number; txn: number; docNumber: number };
  Customer: Record<string, Customer>;
  Invoice: Record<string, Invoice>;
  Payment: Record<string, Payment>;
  /** DisplayName trimmed, whitespace runs collapsed, lower-cased → Customer Id (uniqueness ignores case and spacing). */
  customerNames: Record<string, string>;
  /** Invoice DocNumber → Invoice Id. */
  docNumbers: Record<string, string>;
  /** Invoices voided with operation=void (their amounts are zero; only this flag tells them apart). */
  voided: Record<string, true>;
  /** Deleted entities within CDC's 30-day look-back. */
  deleted: Tombstone[];
};

export function newData(): QuickbooksData {
  return {
    createdAt: Date.now(),
    seq: { name: 0, txn: 0, docNumber: 1000 },
    Customer: {},
    Invoice: {},
    Payment: {},
    customerNames: {},
    docNumbers: {},
    voided: {},
    deleted: [],
  };
}

export function counts(data: QuickbooksData): Record<string, number> {
  return {
    Customer: Object.keys(data.Customer).length,
    Invoice: Object.keys(data.Invoice).length,
    Payment: Object.keys(data.Payment).length,
  };
}

export const nameKey = (name: string) => name.trim().replace(/\s+/g, " ").toLowerCase();

/** Currency names as QuickBooks spells them in CurrencyRef.name. */
const CURRENCY_NAMES: Record<string, string> = {
  USD: "United States Dollar",
  EUR: "Euro",
  GBP: "British Pound Sterling",
  CAD: "Canadian Dollar",
  AUD: "Australian Dollar",
  JPY: "Japanese Yen",
};

const displayNames = new Intl.DisplayNames(["en"], { type: "currency" });

export function currencyRef(code: string): Ref {
  return { value: code, name: CURRENCY_NAMES[code] ?? displayNames.of(code) ?? code };
}

export const HOME_CURRENCY = "USD";
