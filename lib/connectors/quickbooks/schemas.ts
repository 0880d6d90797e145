/**
 * zod schemas for every QuickBooks Online payload where it enters Concord: entities (Invoice,
 * Payment, RefundReceipt, Customer, CDC's deleted stubs), response envelopes (query, CDC,
 * CompanyInfo), Faults in both shapes, Intuit's OAuth token answers and both webhook bodies.
 * Objects are loose: QuickBooks adds fields with every minor version, and only the fields read
 * here are checked.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
import { z } from "zod";

/** Ids are strings on the wire; a number is accepted and read as its decimal string. */
const id = z.union([z.string().trim().min(1), z.number().int().nonnegative()]).transform(String);
/** Amounts are JSON decimals (Jackson also writes numeric strings); toMinor reads both exactly. */
export const amount = z.union([z.number(), z.string().regex(/^[+-]?\d+(\.\d+)?$/)]);
const ref = z.looseObject({ value: id, name: z.string().optional() });
/** A calendar date; older minor versions sometimes append the company's offset ("2015-07-24-07:00"). */
const calendarDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:[+-]\d{2}:?\d{2}|Z)?$/, "not a yyyy-mm-dd date");
/** QuickBooks times: "2015-12-23T12:56:06-08:00", with or without fractions, a colon in the offset or "Z". */
export const qboTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})$/i, "not a QuickBooks date-time");
const metaData = z.looseObject({ CreateTime: qboTime.optional(), LastUpdatedTime: qboTime });
const syncToken = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform(String);
const linkedTxn = z.looseObject({ TxnId: id, TxnType: z.string() });

export const invoiceLineSchema = z.looseObject({
  Id: id.optional(),
  Description: z.string().optional(),
  Amount: amount.optional(),
  DetailType: z.string(),
  SalesItemLineDetail: z.looseObject({ Qty: amount.optional(), UnitPrice: amount.optional(), ItemRef: ref.optional() }).optional(),
});

export const invoiceSchema = z.looseObject({
  Id: id,
  SyncToken: syncToken,
  MetaData: metaData,
  DocNumber: z.string().optional(),
  TxnDate: calendarDate.optional(),
  DueDate: calendarDate.optional(),
  CustomerRef: ref.optional(),
  CurrencyRef: ref.optional(),
  TotalAmt: amount,
  Balance: amount,
  PrivateNote: z.string().optional(),
  CustomerMemo: z.looseObject({ value: z.string() }).optional(),
  Line: z.array(invoiceLineSchema).default([]),
  LinkedTxn: z.array(linkedTxn).default([]),
});

export const paymentSchema = z.looseObject({
  Id: id,
  SyncToken: syncToken,
  MetaData: metaData,
  TxnDate: calendarDate,
  CustomerRef: ref.optional(),
  CurrencyRef: ref.optional(),
  TotalAmt: amount,
  UnappliedAmt: amount.optional(),
  PrivateNote: z.string().optional(),
  PaymentRefNum: z.string().optional(),
  DepositToAccountRef: ref.optional(),
  Line: z.array(z.looseObject({ Amount: amount.optional(), LinkedTxn: z.array(linkedTxn).default([]) })).default([]),
});

/**
 * A RefundReceipt: money paid back to a customer (lines like a sales receipt, Balance 0). It links
 * to no invoice; see mappers.ts for how Concord finds the one it refunds.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt
 */
export const refundReceiptSchema = z.looseObject({
  Id: id,
  SyncToken: syncToken,
  MetaData: metaData,
  TxnDate: calendarDate,
  CustomerRef: ref.optional(),
  CurrencyRef: ref.optional(),
  DepositToAccountRef: ref.optional(),
  TotalAmt: amount,
  PrivateNote: z.string().optional(),
  PaymentRefNum: z.string().optional(),
});

export const customerSchema = z.looseObject({
  Id: id,
  SyncToken: syncToken,
  MetaData: metaData,
  DisplayName: z.string(),
  PrimaryEmailAddr: z.looseObject({ Address: z.string().optional() }).optional(),
  CurrencyRef: ref.optional(),
  Active: z.boolean().optional(),
});

/** What CDC answers for a deleted entity. */
export const deletedStubSchema = z.looseObject({ status: z.literal("Deleted"), Id: id, MetaData: z.looseObject({ LastUpdatedTime: qboTime }) });

export type QboInvoice = z.output<typeof invoiceSchema>;
export type QboInvoiceLine = z.output<typeof invoiceLineSchema>;
export type QboPayment = z.output<typeof paymentSchema>;
export type QboRefundReceipt = z.output<typeof refundReceiptSchema>;
export type QboCustomer = z.output<typeof customerSchema>;
export type QboDeletedStub = z.output<typeof deletedStubSchema>;

export type EntityName = "Invoice" | "Payment" | "Customer" | "RefundReceipt";

/** Just when a record (or CDC's deleted stub) last changed: what the CDC cursor needs of every record, mapped or not. */
export const lastUpdatedSchema = z.looseObject({ MetaData: z.looseObject({ LastUpdatedTime: qboTime }) });

/** Envelopes: entities stay `unknown` here and are parsed one by one by the mappers. */
const rows = z.array(z.unknown()).optional();
export const queryEnvelope = z.looseObject({
  QueryResponse: z.looseObject({ Invoice: rows, Payment: rows, Customer: rows, RefundReceipt: rows, startPosition: z.number().optional(), maxResults: z.number().optional() }),
  time: qboTime.optional(),
});
export const entityEnvelope = z.looseObject({ Invoice: z.unknown().optional(), Payment: z.unknown().optional(), Customer: z.unknown().optional(), RefundReceipt: z.unknown().optional(), time: qboTime.optional() });
export const cdcEnvelope = z.looseObject({
  CDCResponse: z.array(z.looseObject({ QueryResponse: z.array(z.looseObject({ Invoice: rows, Payment: rows, Customer: rows, RefundReceipt: rows })).default([]) })).min(1),
  time: qboTime,
});
export const companyInfoEnvelope = z.looseObject({
  CompanyInfo: z.looseObject({ CompanyName: z.string().optional(), LegalName: z.string().optional() }),
  time: qboTime,
});
export const preferencesEnvelope = z.looseObject({
  Preferences: z.looseObject({ CurrencyPrefs: z.looseObject({ HomeCurrency: z.looseObject({ value: z.string() }).optional() }).optional() }),
});

/** The Accounting API's fault: `{Fault: {Error: [{Message, Detail, code}], type}}`. */
export const faultBody = z.looseObject({
  Fault: z.looseObject({
    Error: z.array(z.looseObject({ Message: z.string().nullish(), Detail: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() })).default([]),
    type: z.string().nullish(),
  }),
});
/** The gateway's lower-case fault on 401/403: `{fault: {error: [{message, detail, code}], type}}`. */
export const gatewayFaultBody = z.looseObject({
  fault: z.looseObject({
    error: z.array(z.looseObject({ message: z.string().nullish(), detail: z.string().nullish(), code: z.union([z.string(), z.number()]).nullish() })).default([]),
    type: z.string().nullish(),
  }),
});

/** https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0#exchange-code-for-tokens */
export const tokenResponse = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive().optional(),
  x_refresh_token_expires_in: z.coerce.number().optional(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});
export const tokenError = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** CloudEvents: a bare JSON array. https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks */
export const cloudEventsBody = z
  .array(
    z.looseObject({
      specversion: z.string().optional(),
      id: z.string().min(1),
      type: z.string().min(1),
      time: qboTime,
      intuitentityid: id,
      intuitaccountid: id,
    }),
  )
  .min(1);

export const legacyWebhookBody = z.looseObject({
  eventNotifications: z
    .array(
      z.looseObject({
        realmId: id,
        dataChangeEvent: z.looseObject({
          entities: z.array(z.looseObject({ name: z.string().min(1), id: id, operation: z.string().min(1), lastUpdated: qboTime, deletedId: id.optional() })),
        }),
      }),
    )
    .min(1),
});
