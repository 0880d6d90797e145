/**
 * A realm's state: entities kept in QuickBooks' own JSON shape (what GET returns), keyed by Id,
 * plus the few indexes the API needs (unique DisplayName, unique DocNumber), voided invoice ids
 * and tombstones of deleted entities for CDC. Plain JSON, so it can be saved to a state file.
 *
 * Ids: QuickBooks numbers name-list entities (Customer, Vendor...) and transactions (Invoice,
 * Payment, RefundReceipt...) from two separate sequences, so two transactions never share an Id.
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

/**
 * Money returned to a customer (a sales receipt in reverse): lines like an invoice's, paid out of
 * DepositToAccountRef at once, so Balance is always 0. It names no invoice: QuickBooks has no
 * link from a refund to an invoice, only PrivateNote.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt
 */
export type RefundReceipt = Entity & {
  DocNumber: string;
  TxnDate: string;
  CurrencyRef: Ref;
  CustomerRef: Ref;
  DepositToAccountRef: Ref;
  Line: InvoiceLine[];
  TotalAmt: number;
  Balance: number;
  TxnTaxDetail: { TotalTax: number };
  PrintStatus: string;
  ApplyTaxAfterDiscount: boolean;
  PrivateNote?: string;
  PaymentRefNum?: string;
  CustomerMemo?: { value: string };
  BillEmail?: { Address: string };
};

export const ENTITIES = ["Customer", "Invoice", "Payment", "RefundReceipt"] as const;
export type EntityName = (typeof ENTITIES)[number];
export type EntityOf<E extends EntityName> = { Customer: Customer; Invoice: Invoice; Payment: Payment; RefundReceipt: RefundReceipt }[E];

export type Tombstone = { entity: EntityName; Id: string; deletedAt: number; LastUpdatedTime: string };

export type QuickbooksData = {
  createdAt: number;
  seq: { name: number; txn: number; docNumber: number };
  Customer: Record<string, Customer>;
  Invoice: Record<string, Invoice>;
  Payment: Record<string, Payment>;
  /** Optional: state files saved before refund receipts were modelled lack it. Read it through `tableOf`. */
  RefundReceipt?: Record<string, RefundReceipt>;
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
    RefundReceipt: {},
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
    RefundReceipt: Object.keys(tableOf(data, "RefundReceipt")).length,
  };
}

/** The entities of one type, by Id. */
export function tableOf<E extends EntityName>(data: QuickbooksData, entity: E): Record<string, EntityOf<E>> {
  if (entity === "RefundReceipt") return (data.RefundReceipt ??= {}) as Record<string, EntityOf<E>>;
  return data[entity] as Record<string, EntityOf<E>>;
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
