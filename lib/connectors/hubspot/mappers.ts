/**
 * Pure mappers from HubSpot CRM records to Concord's shapes: invoices (object type `invoices`,
 * 0-53), contacts and companies as customers. Money arrives as decimal strings in the invoice's
 * currency and becomes bigint minor units; dates become calendar dates without time-zone shifts.
 * https://knowledge.hubspot.com/payments/hubspots-default-invoice-properties
 */
import { currencyCode, toMinor } from "../../normalize/money";
import { hubspotStatus } from "../../normalize/status";
import type { ExternalCustomer, ExternalInvoice, ExternalPayment, InvoiceStatus } from "../types";
import type { CrmObject } from "./schemas";

export const INVOICE_TYPE_ID = "0-53";
export const CONTACT_TYPE_ID = "0-1";
export const COMPANY_TYPE_ID = "0-2";

/** The custom invoice property holding Concord's invoice id (the cross-reference). */
export const CROSS_REFERENCE_PROPERTY = "concord_invoice_id";
/** The custom invoice property listing the idempotency keys (hashed) of payments Concord applied. */
export const PAYMENT_KEYS_PROPERTY = "concord_payment_keys";

export const INVOICE_PROPERTIES = [
  "hs_currency",
  "hs_invoice_status",
  "hs_amount_billed",
  "hs_amount_paid",
  "hs_balance_due",
  "hs_invoice_date",
  "hs_due_date",
  "hs_payment_date",
  "hs_number",
  "hs_comments",
  "hs_lastmodifieddate",
  CROSS_REFERENCE_PROPERTY,
];
export const CONTACT_PROPERTIES = ["firstname", "lastname", "email", "company", "lastmodifieddate"];
export const COMPANY_PROPERTIES = ["name", "domain", "hs_lastmodifieddate"];

export type CustomerType = "contacts" | "companies";
export type CustomerRef = { type: CustomerType; id: string };

/**
 * Contacts and companies are both customers but have separate id spaces, so a customer's
 * external id names its type: "contact:51001", "company:9876543001".
 */
export function customerExternalId(ref: CustomerRef): string {
  return `${ref.type === "contacts" ? "contact" : "company"}:${ref.id}`;
}

/** The inverse of customerExternalId; a bare numeric id is read as a contact. Null when it is neither. */
export function parseCustomerExternalId(externalId: string | null | undefined): CustomerRef | null {
  if (!externalId) return null;
  const match = /^(?:(contact|company):)?(\d+)$/.exec(externalId.trim());
  if (!match) return null;
  return { type: match[1] === "company" ? "companies" : "contacts", id: match[2]! };
}

/** Epoch milliseconds of a HubSpot datetime value (ISO instant or epoch-ms string). */
export function instantMs(value: string | null | undefined): number | null {
  if (!value) return null;
  const v = value.trim();
  const ms = /^-?\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

/**
 * A calendar date from a HubSpot date or datetime value. Date properties are midnight UTC (as
 * epoch ms or "2025-03-01T00:00:00Z"); an ISO value keeps the date as written, so an offset never
 * moves it to the day before or after.
 */
export function calendarDate(value: string | null | undefined): string | null {
  if (!value || !value.trim()) return null;
  const v = value.trim();
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(v);
  if (iso) {
    const [, y, m, d] = iso;
    const check = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (check.getUTCMonth() !== Number(m) - 1 || check.getUTCDate() !== Number(d)) throw new Error(`HubSpot sent an impossible date: ${value}`);
    return `${y}-${m}-${d}`;
  }
  if (/^-?\d+$/.test(v)) return new Date(Number(v)).toISOString().slice(0, 10);
  throw new Error(`HubSpot sent an unrecognised date: ${value}`);
}

/**
 * Versions are the record's last-modified time in epoch ms, zero-padded to 15 digits so string
 * order is time order (ms timestamps have 13 digits until the year 2286). HubSpot stamps
 * hs_lastmodifieddate on every write; archiving moves updatedAt/archivedAt only, so the latest of
 * the three is the version.
 */
export function versionOf(record: CrmObject, modifiedProperty: string): { version: string; updatedAt: Date } {
  const candidates = [instantMs(record.properties[modifiedProperty]), record.updatedAt.getTime(), record.archivedAt?.getTime() ?? null].filter((ms): ms is number => ms !== null);
  const ms = Math.max(...candidates);
  return { version: String(ms).padStart(15, "0"), updatedAt: new Date(ms) };
}

const blank = (value: string | null | undefined): string | null => (value && value.trim() ? value : null);

/**
 * hs_invoice_status → canonical status (rules: lib/normalize/status.ts); an open invoice with some
 * but not all paid is PARTIALLY_PAID, and a status Concord doesn't know stops the mapping.
 */
export function invoiceStatus(status: string | null | undefined, paidMinor: bigint, dueMinor: bigint): InvoiceStatus {
  return hubspotStatus({ status, amountPaid: paidMinor, balanceDue: dueMinor });
}

/** Associated contact and company ids, from a read's `associations` or from a v4 batch read. */
export type Associated = { contacts: string[]; companies: string[] };

export function associatedOf(record: CrmObject): Associated {
  const ids = (key: string) => record.associations?.[key]?.results.map((r) => r.id) ?? [];
  return { contacts: ids("contacts"), companies: ids("companies") };
}

const lowest = (ids: string[]): string | undefined => [...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0))[0];

/** The invoice's customer: its contact (the billing person, with an email), else its company. */
export function invoiceCustomer(associated: Associated): string | null {
  const contact = lowest(associated.contacts);
  if (contact) return customerExternalId({ type: "contacts", id: contact });
  const company = lowest(associated.companies);
  return company ? customerExternalId({ type: "companies", id: company }) : null;
}

export function toInvoice(record: CrmObject, associated: Associated = associatedOf(record)): ExternalInvoice {
  const p = record.properties;
  const rawCurrency = blank(p.hs_currency);
  // hs_currency is the one property HubSpot requires on an invoice; without it amounts mean nothing.
  if (!rawCurrency) throw new Error(`HubSpot invoice ${record.id} has no hs_currency`);
  const currency = currencyCode(rawCurrency);
  const money = (value: string | null | undefined) => (blank(value) ? toMinor(value!, currency) : 0n);
  const totalMinor = money(p.hs_amount_billed);
  const amountPaidMinor = money(p.hs_amount_paid);
  // hs_balance_due is calculated by HubSpot; when a read leaves it out, billed minus paid is the same thing.
  const amountDueMinor = blank(p.hs_balance_due) ? money(p.hs_balance_due) : totalMinor > amountPaidMinor ? totalMinor - amountPaidMinor : 0n;
  const status = invoiceStatus(blank(p.hs_invoice_status), amountPaidMinor, amountDueMinor);
  const { version, updatedAt } = versionOf(record, "hs_lastmodifieddate");
  return {
    externalId: record.id,
    version,
    updatedAt,
    deleted: record.archived === true,
    raw: record,
    number: blank(p.hs_number),
    customerExternalId: invoiceCustomer(associated),
    currency,
    totalMinor,
    amountPaidMinor,
    amountDueMinor,
    status,
    issueDate: calendarDate(p.hs_invoice_date),
    dueDate: calendarDate(p.hs_due_date),
    paidDate: status === "PAID" ? calendarDate(p.hs_payment_date) : null,
    memo: blank(p.hs_comments),
    crossReference: blank(p[CROSS_REFERENCE_PROPERTY]),
    // Line items are separate CRM objects (line_items, associated to the invoice); Concord compares
    // invoices by their totals here and doesn't read them.
    lines: [],
  };
}

export function toContactCustomer(record: CrmObject): ExternalCustomer {
  const p = record.properties;
  const person = [blank(p.firstname), blank(p.lastname)].filter(Boolean).join(" ");
  const { version, updatedAt } = versionOf(record, "lastmodifieddate");
  return {
    externalId: customerExternalId({ type: "contacts", id: record.id }),
    version,
    updatedAt,
    deleted: record.archived === true,
    raw: record,
    // The customer is the business billed: the contact's company when it names one, else the person.
    name: blank(p.company) || person || blank(p.email) || "",
    email: blank(p.email),
    // HubSpot contacts have no billing currency.
    currency: null,
  };
}

export function toCompanyCustomer(record: CrmObject): ExternalCustomer {
  const p = record.properties;
  const { version, updatedAt } = versionOf(record, "hs_lastmodifieddate");
  return {
    externalId: customerExternalId({ type: "companies", id: record.id }),
    version,
    updatedAt,
    deleted: record.archived === true,
    raw: record,
    name: blank(p.name) || blank(p.domain) || "",
    email: null,
    currency: null,
  };
}

export function toCustomer(type: CustomerType, record: CrmObject): ExternalCustomer {
  return type === "contacts" ? toContactCustomer(record) : toCompanyCustomer(record);
}

/**
 * A payment Concord applied to an invoice. HubSpot keeps no payment object we can read back (its
 * own payments belong to HubSpot Payments), so the payment is described from what was applied,
 * with an id derived from the invoice and the hashed idempotency key.
 */
export function appliedPayment(params: { invoice: ExternalInvoice; keyHash: string; amountMinor: bigint; paidOn: string }): ExternalPayment {
  const { invoice, keyHash, amountMinor, paidOn } = params;
  return {
    externalId: `${invoice.externalId}:${keyHash}`,
    version: invoice.version,
    updatedAt: invoice.updatedAt,
    deleted: false,
    raw: invoice.raw,
    kind: "PAYMENT",
    invoiceExternalIds: [invoice.externalId],
    customerExternalId: invoice.customerExternalId,
    currency: invoice.currency,
    amountMinor,
    paidOn,
  };
}

/**
 * quantity × unit amount in minor units, from the decimal quantity string without floats.
 * A fractional result is rounded half away from zero, as line amounts are on an invoice.
 */
export function lineAmountMinor(quantity: string, unitAmountMinor: bigint): bigint {
  const match = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(quantity.trim());
  if (!match) throw new Error(`"${quantity}" is not a decimal quantity`);
  const [, sign, whole, fraction = ""] = match;
  const scale = 10n ** BigInt(fraction.length);
  const product = BigInt(whole! + fraction) * unitAmountMinor;
  const negative = (sign === "-") !== product < 0n;
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + scale) / (scale * 2n);
  return negative ? -rounded : rounded;
}
