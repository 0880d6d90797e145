/**
 * Zod schemas for every Xero payload where it enters Concord: Accounting API envelopes
 * (PascalCase, Microsoft JSON dates, decimal amounts), /connections, the identity server's token
 * and error answers, and webhook bodies. Xero sometimes sends numbers and booleans as strings in
 * nested objects ("50.00", "false"), so those fields accept both. Objects are loose: Xero adds
 * fields over time and Concord keeps the whole payload as `raw`.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses
 */
import { z } from "zod";

/** A decimal amount as a JSON number or a numeric string; turned into minor units by toMinor. */
export const decimal = z.union([z.number(), z.string().trim().regex(/^[-+]?\d+(\.\d+)?$/, "not a decimal amount")]);

const flag = z.union([z.boolean(), z.enum(["true", "false", "True", "False"]).transform((v) => v.toLowerCase() === "true")]);

/** `/Date(1550793549320+0000)/` (what Xero writes) or an ISO date / date-time. */
export const xeroDate = z.string().regex(/^(\/Date\(-?\d+([+-]\d{4})?\)\/|\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)$/, "not a Xero date");

const guid = z.string().min(1);
const optionalText = z.string().nullish();

export const lineItemSchema = z.looseObject({
  LineItemID: optionalText,
  Description: optionalText,
  Quantity: decimal.nullish(),
  UnitAmount: decimal.nullish(),
  LineAmount: decimal.nullish(),
  AccountCode: optionalText,
});
export type XeroLineItem = z.output<typeof lineItemSchema>;

const contactRefSchema = z.looseObject({ ContactID: guid.nullish(), Name: optionalText });

/** https://developer.xero.com/documentation/api/accounting/invoices */
export const invoiceSchema = z.looseObject({
  InvoiceID: guid,
  Type: z.string(),
  InvoiceNumber: optionalText,
  Reference: optionalText,
  Contact: contactRefSchema.nullish(),
  Date: xeroDate.nullish(),
  DateString: optionalText,
  DueDate: xeroDate.nullish(),
  DueDateString: optionalText,
  FullyPaidOnDate: xeroDate.nullish(),
  Status: z.string(),
  CurrencyCode: z.string(),
  Total: decimal,
  AmountDue: decimal,
  AmountPaid: decimal,
  AmountCredited: decimal.nullish(),
  LineItems: z.array(lineItemSchema).nullish(),
  UpdatedDateUTC: xeroDate,
});
export type XeroInvoice = z.output<typeof invoiceSchema>;

/** https://developer.xero.com/documentation/api/accounting/payments */
export const paymentSchema = z.looseObject({
  PaymentID: guid,
  Date: xeroDate,
  Amount: decimal,
  Reference: optionalText,
  Status: z.string(),
  PaymentType: z.string().nullish(),
  UpdatedDateUTC: xeroDate,
  // Payments carry a summary of their invoice; its currency is the payment's currency. A refund
  // of a credit note (ARCREDITPAYMENT) may carry the credit note here or under CreditNote instead.
  Invoice: z
    .looseObject({
      InvoiceID: guid,
      Type: z.string().nullish(),
      CurrencyCode: z.string().nullish(),
      Contact: contactRefSchema.nullish(),
    })
    .nullish(),
});
export type XeroPayment = z.output<typeof paymentSchema>;

/**
 * A credit note, with the cash refunds paid out of it (`Payments`, each a summary like an
 * invoice's). https://developer.xero.com/documentation/api/accounting/creditnotes
 */
export const creditNoteSchema = z.looseObject({
  CreditNoteID: guid,
  Type: z.string(),
  CreditNoteNumber: optionalText,
  Reference: optionalText,
  Contact: contactRefSchema.nullish(),
  Date: xeroDate.nullish(),
  DateString: optionalText,
  Status: z.string(),
  CurrencyCode: z.string(),
  Total: decimal,
  RemainingCredit: decimal.nullish(),
  Payments: z.array(z.looseObject({ PaymentID: guid, Date: xeroDate, Amount: decimal, Status: optionalText })).nullish(),
  UpdatedDateUTC: xeroDate,
});
export type XeroCreditNote = z.output<typeof creditNoteSchema>;

/** https://developer.xero.com/documentation/api/accounting/contacts */
export const contactSchema = z.looseObject({
  ContactID: guid,
  Name: z.string(),
  EmailAddress: optionalText,
  DefaultCurrency: optionalText,
  ContactStatus: optionalText,
  IsCustomer: flag.nullish(),
  IsSupplier: flag.nullish(),
  UpdatedDateUTC: xeroDate,
});
export type XeroContact = z.output<typeof contactSchema>;

const pagination = z.looseObject({ page: z.coerce.number(), pageSize: z.coerce.number(), pageCount: z.coerce.number(), itemCount: z.coerce.number() }).optional();

export const invoicesEnvelope = z.looseObject({ Invoices: z.array(invoiceSchema), pagination });
export const paymentsEnvelope = z.looseObject({ Payments: z.array(paymentSchema), pagination });
export const contactsEnvelope = z.looseObject({ Contacts: z.array(contactSchema), pagination });
export const creditNotesEnvelope = z.looseObject({ CreditNotes: z.array(creditNoteSchema), pagination });
/** What a refund payment's answer must show: that it was saved. */
export const savedPaymentsEnvelope = z.looseObject({ Payments: z.array(z.looseObject({ PaymentID: guid, Status: z.string() })) });

/** https://developer.xero.com/documentation/guides/oauth2/tenants */
export const connectionsSchema = z.array(
  z.looseObject({
    id: z.string(),
    tenantId: z.string().min(1),
    tenantType: z.string(),
    tenantName: z.string().nullish(),
  }),
);

/** https://developer.xero.com/documentation/guides/oauth2/auth-flow#3-exchange-the-code */
export const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  expires_in: z.coerce.number().positive().nullish(),
  token_type: z.string().nullish(),
  scope: z.string().nullish(),
});

export const oauthErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().nullish() });

/** The API gateway's problem document (401/403/429/5xx). */
export const problemSchema = z.looseObject({ Title: z.string().nullish(), Detail: z.string().nullish(), Status: z.coerce.number().nullish() });

/** The Accounting API's ApiException (400): ValidationException carries Elements[].ValidationErrors. */
export const apiExceptionSchema = z.looseObject({
  Type: z.string(),
  Message: z.string().nullish(),
  Elements: z.array(z.looseObject({ ValidationErrors: z.array(z.looseObject({ Message: z.string() })).nullish() })).nullish(),
});

/** https://developer.xero.com/documentation/guides/webhooks/overview/#response-payload */
export const webhookEventSchema = z.looseObject({
  resourceUrl: z.string().nullish(),
  resourceId: z.string().min(1),
  eventDateUtc: z.string().min(1),
  eventType: z.string().min(1),
  eventCategory: z.string().min(1),
  tenantId: z.string().min(1),
  tenantType: z.string().nullish(),
});

export const webhookBodySchema = z.looseObject({
  events: z.array(webhookEventSchema),
  firstEventSequence: z.coerce.number().nullish(),
  lastEventSequence: z.coerce.number().nullish(),
  entropy: z.string().nullish(),
});
