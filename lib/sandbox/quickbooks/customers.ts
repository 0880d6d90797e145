/**
 * Customers: DisplayName is unique per company, case-insensitively (6240 Duplicate Name Exists
 * Error); without one QuickBooks builds it from the person's name parts. Customers are never
 * deleted, only made inactive (Active: false), and an inactive customer can't be used on new
 * transactions (610). A customer's currency is fixed once it has transactions.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer
 */
import { faults } from "./errors";
import type { Parsed } from "./schemas";
import { copySent, current, newMeta, nextId, touch, type WriteContext } from "./store";
import { currencyRef, HOME_CURRENCY, nameKey, tableOf, type Customer, type QuickbooksData } from "./types";

type Fields = Parsed<"Customer">["fields"];
const NAME_PARTS = ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix"] as const;
/** Writable fields a full (non-sparse) update resets when they are left out. */
const OPTIONAL = ["Title", "GivenName", "MiddleName", "FamilyName", "Suffix", "CompanyName", "PrimaryEmailAddr", "Notes"] as const;

function displayName(fields: Fields): string {
  const name = fields.DisplayName ?? NAME_PARTS.map((p) => fields[p]?.trim()).filter(Boolean).join(" ");
  if (!name.trim()) throw faults.required("DisplayName");
  return name;
}

function claimName(data: QuickbooksData, name: string, id: string): void {
  const key = nameKey(name);
  const holder = data.customerNames[key];
  if (holder !== undefined && holder !== id) throw faults.duplicateName();
  data.customerNames[key] = id;
}

function currency(code: string | undefined): string {
  if (code === undefined) return HOME_CURRENCY;
  if (!/^[A-Z]{3}$/.test(code)) throw faults.invalidReference(`Currency ${code} is not a valid currency code`);
  return code;
}

export function createCustomer(ctx: WriteContext, { fields, extra }: Parsed<"Customer">): Customer {
  if (fields.Id !== undefined) throw faults.invalidProperty("Id (an Id is assigned by QuickBooks on create)", "Id");
  const name = displayName(fields);
  const id = String(ctx.data.seq.name + 1);
  claimName(ctx.data, name, id);
  nextId(ctx.data, "name");
  const customer: Customer = {
    ...extra,
    Id: id,
    SyncToken: "0",
    domain: "QBO",
    sparse: false,
    MetaData: newMeta(ctx.now),
    DisplayName: name,
    FullyQualifiedName: name,
    PrintOnCheckName: fields.PrintOnCheckName ?? fields.CompanyName ?? name,
    CurrencyRef: currencyRef(currency(fields.CurrencyRef?.value)),
    Balance: 0,
    BalanceWithJobs: 0,
    Active: fields.Active ?? true,
    Job: false,
    BillWithParent: false,
    Taxable: fields.Taxable ?? false,
  };
  copySent(customer, fields, OPTIONAL);
  ctx.data.Customer[id] = customer;
  ctx.notify("Customer", id, "Create", ctx.now);
  return customer;
}

export function updateCustomer(ctx: WriteContext, { fields, extra }: Parsed<"Customer">): Customer {
  const customer = current(ctx, "Customer", fields.Id, fields.SyncToken);
  const sparse = fields.sparse === true;
  const { data } = ctx;

  const name = sparse ? (fields.DisplayName ?? customer.DisplayName) : displayName(fields);
  if (!name.trim()) throw faults.required("DisplayName");
  const newCurrency = fields.CurrencyRef ? currency(fields.CurrencyRef.value) : sparse ? customer.CurrencyRef.value : HOME_CURRENCY;
  if (newCurrency !== customer.CurrencyRef.value && hasTransactions(data, customer.Id)) {
    throw faults.business("You can't change the currency of a customer that has transactions.");
  }
  if (nameKey(name) !== nameKey(customer.DisplayName)) {
    claimName(data, name, customer.Id);
    delete data.customerNames[nameKey(customer.DisplayName)];
  }
  if (name !== customer.DisplayName) renameOnTransactions(data, customer.Id, name);

  if (!sparse) for (const key of OPTIONAL) delete customer[key];
  Object.assign(customer, extra);
  copySent(customer, fields, OPTIONAL);
  customer.DisplayName = name;
  customer.FullyQualifiedName = name;
  customer.PrintOnCheckName = fields.PrintOnCheckName ?? (sparse ? customer.PrintOnCheckName : name);
  customer.CurrencyRef = currencyRef(newCurrency);
  if (fields.Active !== undefined || !sparse) customer.Active = fields.Active ?? true;
  if (fields.Taxable !== undefined || !sparse) customer.Taxable = fields.Taxable ?? false;
  touch(customer, ctx.now);
  ctx.notify("Customer", customer.Id, "Update", ctx.now);
  return customer;
}

/** The customer a transaction names: it must exist and be active. */
export function customerFor(data: QuickbooksData, id: string): Customer {
  const customer = data.Customer[id];
  if (!customer) throw faults.invalidReference(`Names element id ${id} not found`);
  if (!customer.Active) throw faults.objectNotFound();
  return customer;
}

/** A transaction is in its customer's currency. */
export function transactionCurrency(customer: Customer, requested: string | undefined): string {
  const code = customer.CurrencyRef.value;
  if (requested !== undefined && requested !== code) {
    throw faults.business(`The currency of the transaction (${requested}) must match the currency of the customer ${customer.DisplayName} (${code}).`);
  }
  return code;
}

function hasTransactions(data: QuickbooksData, customerId: string): boolean {
  return [data.Invoice, data.Payment, tableOf(data, "RefundReceipt")].some((table) => Object.values(table).some((t) => t.CustomerRef.value === customerId));
}

/** References carry the current name, as QuickBooks resolves them on read. */
function renameOnTransactions(data: QuickbooksData, customerId: string, name: string): void {
  for (const txn of [...Object.values(data.Invoice), ...Object.values(data.Payment), ...Object.values(tableOf(data, "RefundReceipt"))]) {
    if (txn.CustomerRef.value === customerId) txn.CustomerRef = { value: customerId, name };
  }
}
