/**
 * Request bodies as QuickBooks' JSON binding reads them: unknown top-level fields are refused
 * (error 2010, "Unrecognized field"), numbers may arrive as numeric strings, ids as numbers or
 * strings, null means absent. Fields QuickBooks has but the sandbox does not model are kept as
 * sent (`extra`), so a client sending BillAddr or SalesTermRef is not refused.
 */
import { z } from "zod";
import { faults } from "./errors";
import { toScaled } from "./money";
import { isDate } from "./time";
import type { EntityName } from "./types";

const idLike = z.union([z.string().trim().min(1).max(100), z.number().int().nonnegative()]).transform(String);
const ref = z.looseObject({ value: idLike, name: z.string().optional() });
const decimal = z.union([z.number(), z.string()]).refine((v) => toScaled(v, 2) !== null, "not a decimal number");
const date = z.string().refine(isDate, "not a yyyy-mm-dd date");
const email = z.looseObject({ Address: z.string().max(100) });
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

const common = {
  Id: idLike.optional(),
  SyncToken: idLike.optional(),
  sparse: flag.optional(),
};

const salesLine = z.looseObject({
  Id: idLike.optional(),
  LineNum: z.union([z.number(), z.string()]).optional(),
  Description: z.string().max(4000).optional(),
  Amount: decimal.optional(),
  DetailType: z.string().optional(),
  SalesItemLineDetail: z.looseObject({ ItemRef: ref.optional(), Qty: decimal.optional(), UnitPrice: decimal.optional(), TaxCodeRef: ref.optional(), ServiceDate: date.optional() }).optional(),
  DiscountLineDetail: z.looseObject({ PercentBased: flag.optional(), DiscountPercent: decimal.optional() }).optional(),
});

export const invoiceSchema = z.object({
  ...common,
  CustomerRef: ref.optional(),
  CurrencyRef: ref.optional(),
  Line: z.array(salesLine).max(750).optional(),
  DocNumber: z.string().trim().min(1).max(21).optional(),
  TxnDate: date.optional(),
  DueDate: date.optional(),
  PrivateNote: z.string().max(4000).optional(),
  CustomerMemo: z.looseObject({ value: z.string().max(1000) }).optional(),
  BillEmail: email.optional(),
  EmailStatus: z.enum(["NotSet", "NeedToSend", "EmailSent"]).optional(),
  PrintStatus: z.enum(["NotSet", "NeedToPrint", "PrintComplete"]).optional(),
});

export const customerSchema = z.object({
  ...common,
  DisplayName: z.string().max(500).optional(),
  Title: z.string().max(16).optional(),
  GivenName: z.string().max(100).optional(),
  MiddleName: z.string().max(100).optional(),
  FamilyName: z.string().max(100).optional(),
  Suffix: z.string().max(16).optional(),
  CompanyName: z.string().max(100).optional(),
  PrintOnCheckName: z.string().max(110).optional(),
  PrimaryEmailAddr: email.optional(),
  CurrencyRef: ref.optional(),
  Active: flag.optional(),
  Taxable: flag.optional(),
  Notes: z.string().max(2000).optional(),
});

const paymentLine = z.looseObject({
  Amount: decimal.optional(),
  LinkedTxn: z.array(z.looseObject({ TxnId: idLike, TxnType: z.string() })).max(1).optional(),
});

export const paymentSchema = z.object({
  ...common,
  CustomerRef: ref.optional(),
  CurrencyRef: ref.optional(),
  TotalAmt: decimal.optional(),
  TxnDate: date.optional(),
  Line: z.array(paymentLine).max(750).optional(),
  PrivateNote: z.string().max(4000).optional(),
  PaymentRefNum: z.string().max(21).optional(),
  ProcessPayment: flag.optional(),
});

export const refundReceiptSchema = z.object({
  ...common,
  CustomerRef: ref.optional(),
  CurrencyRef: ref.optional(),
  DepositToAccountRef: ref.optional(),
  Line: z.array(salesLine).max(750).optional(),
  DocNumber: z.string().trim().min(1).max(21).optional(),
  TxnDate: date.optional(),
  PrivateNote: z.string().max(4000).optional(),
  PaymentRefNum: z.string().max(21).optional(),
  CustomerMemo: z.looseObject({ value: z.string().max(1000) }).optional(),
  BillEmail: email.optional(),
  PrintStatus: z.enum(["NotSet", "NeedToPrint", "PrintComplete"]).optional(),
});

export type InvoiceInput = z.output<typeof invoiceSchema>;
export type CustomerInput = z.output<typeof customerSchema>;
export type PaymentInput = z.output<typeof paymentSchema>;
export type LineInput = z.output<typeof salesLine>;

/** QuickBooks fields kept as sent; read-only ones (Balance, MetaData...) are accepted and ignored. */
const PASSTHROUGH: Record<EntityName, string[]> = {
  Invoice: ["BillEmailCc", "BillEmailBcc", "BillAddr", "ShipAddr", "ShipFromAddr", "ShipDate", "SalesTermRef", "ClassRef", "DepartmentRef", "CustomField", "AllowOnlinePayment", "AllowOnlineCreditCardPayment", "AllowOnlineACHPayment", "AllowIPNPayment", "TrackingNum", "ExchangeRate", "GlobalTaxCalculation", "DepositToAccountRef", "ShipMethodRef", "TxnSource", "TaxExemptionRef", "ProjectRef", "RecurDataRef", "FreeFormAddress", "TransactionLocationType"],
  Customer: ["PrimaryPhone", "Mobile", "Fax", "AlternatePhone", "WebAddr", "BillAddr", "ShipAddr", "OtherAddr", "Job", "ParentRef", "BillWithParent", "Level", "PreferredDeliveryMethod", "ResaleNum", "SalesTermRef", "PaymentMethodRef", "DefaultTaxCodeRef", "TaxExemptionReasonId", "PrimaryTaxIdentifier", "SecondaryTaxIdentifier", "OpenBalanceDate", "ARAccountRef", "CustomerTypeRef", "GSTIN", "BusinessNumber", "IsProject", "Source", "ClientEntityId", "GSTRegistrationType"],
  Payment: ["PaymentMethodRef", "DepositToAccountRef", "ARAccountRef", "ExchangeRate", "CreditCardPayment", "TxnSource", "TransactionLocationType", "ProjectRef", "TaxExemptionRef"],
  RefundReceipt: ["PaymentMethodRef", "CheckPayment", "CreditCardPayment", "BillAddr", "ShipAddr", "ShipFromAddr", "ClassRef", "DepartmentRef", "CustomField", "ExchangeRate", "GlobalTaxCalculation", "TxnSource", "TransactionLocationType", "ProjectRef", "TaxExemptionRef", "PaymentType"],
};
const READ_ONLY: Record<EntityName, string[]> = {
  Invoice: ["domain", "MetaData", "TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "LinkedTxn", "TxnTaxDetail", "ApplyTaxAfterDiscount", "Deposit", "InvoiceLink"],
  Customer: ["domain", "MetaData", "Balance", "BalanceWithJobs", "FullyQualifiedName", "V4IDPseudonym"],
  Payment: ["domain", "MetaData", "UnappliedAmt"],
  RefundReceipt: ["domain", "MetaData", "TotalAmt", "Balance", "HomeBalance", "HomeTotalAmt", "TxnTaxDetail", "ApplyTaxAfterDiscount", "RecurDataRef"],
};
const SCHEMAS = { Invoice: invoiceSchema, Customer: customerSchema, Payment: paymentSchema, RefundReceipt: refundReceiptSchema } as const;
const KNOWN = Object.fromEntries(
  (Object.keys(SCHEMAS) as EntityName[]).map((e) => [e, new Set([...Object.keys(SCHEMAS[e].shape), ...PASSTHROUGH[e], ...READ_ONLY[e]])]),
) as Record<EntityName, Set<string>>;

export type Parsed<E extends EntityName> = { fields: z.output<(typeof SCHEMAS)[E]>; extra: Record<string, unknown> };

/** Reads an entity body or throws the fault QuickBooks would answer. */
export function parseEntity<E extends EntityName>(entity: E, body: unknown): Parsed<E> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw faults.invalidProperty(`Can not deserialize instance of com.intuit.schema.finance.v3.${entity} out of ${Array.isArray(body) ? "START_ARRAY" : "VALUE"} token`);
  }
  const input: Record<string, unknown> = {};
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null) continue; // JSON null reads as absent
    if (!KNOWN[entity].has(key)) {
      throw faults.invalidProperty(`Unrecognized field "${key}" (class com.intuit.schema.finance.v3.${entity}), not marked as ignorable`, key);
    }
    if (PASSTHROUGH[entity].includes(key)) extra[key] = value;
    else input[key] = value;
  }
  const result = SCHEMAS[entity].safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.join(".");
    throw faults.invalidProperty(`${path || entity} (${issue.message})`, path);
  }
  return { fields: result.data as Parsed<E>["fields"], extra };
}
