/**
 * What clients may send. Xero's deserializer ignores unknown fields and accepts numbers as JSON
 * numbers or numeric strings ("50.00"); a value it cannot convert fails the whole request with
 * a PostDataInvalidException naming the path, which `describeIssue` reproduces.
 */
import { z } from "zod";

const decimal = z.union([z.number(), z.string().trim().regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/)]);
const text = z.string().nullish();
const flag = z.union([z.boolean(), z.enum(["true", "false", "True", "False"]).transform((v) => v.toLowerCase() === "true")]).nullish();

export const lineItemInput = z.looseObject({
  LineItemID: text,
  Description: text,
  Quantity: decimal.nullish(),
  UnitAmount: decimal.nullish(),
  LineAmount: decimal.nullish(),
  AccountCode: text,
  ItemCode: text,
  TaxType: text,
});
export type LineItemInput = z.output<typeof lineItemInput>;

const contactRefInput = z.looseObject({ ContactID: text, Name: text, EmailAddress: text });

export const invoiceInput = z.looseObject({
  InvoiceID: text,
  Type: text,
  InvoiceNumber: text,
  Reference: text,
  Contact: contactRefInput.nullish(),
  Date: text,
  DueDate: text,
  Status: text,
  LineAmountTypes: text,
  CurrencyCode: text,
  CurrencyRate: decimal.nullish(),
  SentToContact: flag,
  LineItems: z.array(lineItemInput).nullish(),
});
export type InvoiceInput = z.output<typeof invoiceInput>;

export const contactInput = z.looseObject({
  ContactID: text,
  Name: text,
  FirstName: text,
  LastName: text,
  EmailAddress: text,
  ContactNumber: text,
  AccountNumber: text,
  ContactStatus: text,
  IsCustomer: flag,
  IsSupplier: flag,
  DefaultCurrency: text,
});
export type ContactInput = z.output<typeof contactInput>;

export const creditNoteInput = z.looseObject({
  CreditNoteID: text,
  Type: text,
  CreditNoteNumber: text,
  Reference: text,
  Contact: contactRefInput.nullish(),
  Date: text,
  Status: text,
  LineAmountTypes: text,
  CurrencyCode: text,
  CurrencyRate: decimal.nullish(),
  SentToContact: flag,
  LineItems: z.array(lineItemInput).nullish(),
});
export type CreditNoteInput = z.output<typeof creditNoteInput>;

export const paymentInput = z.looseObject({
  PaymentID: text,
  Invoice: z.looseObject({ InvoiceID: text, InvoiceNumber: text }).nullish(),
  CreditNote: z.looseObject({ CreditNoteID: text, CreditNoteNumber: text }).nullish(),
  Account: z.looseObject({ AccountID: text, Code: text }).nullish(),
  Date: text,
  Amount: decimal.nullish(),
  CurrencyRate: decimal.nullish(),
  Reference: text,
  Status: text,
  IsReconciled: flag,
});
export type PaymentInput = z.output<typeof paymentInput>;

const DECIMAL_FIELDS = new Set(["Quantity", "UnitAmount", "LineAmount", "CurrencyRate", "Amount"]);

/** Xero's wording for a value its deserializer rejects, e.g. `Error converting value "abc" to type 'System.Decimal'. Path 'Invoices[0].LineItems[0].Quantity'.` */
export function describeIssue(issue: z.core.$ZodIssue, root: unknown, collection: string): string {
  const path = issue.path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}${acc ? "." : ""}${String(key)}`), collection);
  let value: unknown = root;
  for (const key of issue.path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  const last = issue.path[issue.path.length - 1];
  const type = typeof last === "string" && DECIMAL_FIELDS.has(last) ? "System.Decimal" : issue.code === "invalid_type" && issue.expected === "array" ? "System.Collections.Generic.List" : issue.code === "invalid_type" && issue.expected === "object" ? "Xero.API.Library.DataContracts.Object" : "System.String";
  return `Error converting value ${JSON.stringify(value) ?? "undefined"} to type '${type}'. Path '${path}'.`;
}
