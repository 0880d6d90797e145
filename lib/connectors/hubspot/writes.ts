/**
 * Writes to HubSpot invoices: create (with the customer's contact), record a payment (as
 * hs_amount_paid), void; refunds are refused (HubSpot invoices have none). HubSpot's CRM API has no idempotency keys and no conditional updates,
 * so each write makes its own repeat harmless, as explained at each one.
 * https://developers.hubspot.com/docs/api-reference/crm-invoices-v3/guide
 */
import { createHash } from "node:crypto";
import type { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects/models/AssociationSpec";
import { currencyCode, toDecimal } from "../../normalize/money";
import { ProviderError } from "../errors";
import type { ExternalInvoice, ExternalPayment, InvoiceDraft, InvoicePatch, PaymentDraft, RefundDraft, WriteOptions } from "../types";
import { alreadyApplied, checkInvoicePatch } from "../updates";
import { isNotFound, type HubspotApi } from "./api";
import { findInvoiceBy, readInvoice } from "./reads";
import {
  CROSS_REFERENCE_PROPERTY,
  INVOICE_PROPERTIES,
  PAYMENT_KEYS_PROPERTY,
  appliedPayment,
  lineAmountMinor,
  parseCustomerExternalId,
  toInvoice,
  type CustomerRef,
} from "./mappers";
import { crmObjectSchema } from "./schemas";

/** HubSpot-defined association types: invoice → contact 177, invoice → company 179. https://developers.hubspot.com/docs/api/crm/associations#association-type-id-values */
const INVOICE_TO = { contacts: 177, companies: 179 } as const;
const HUBSPOT_DEFINED = "HUBSPOT_DEFINED" as AssociationSpecAssociationCategoryEnum;

/** Payment keys kept on an invoice: enough for every retry window, small enough for a string property. */
const MAX_PAYMENT_KEYS = 200;

const invalid = (message: string, code?: string) => new ProviderError("hubspot", "invalid", message, { code });

/** Midnight UTC of a calendar date in epoch ms, the form HubSpot date properties take. */
function dateValue(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) throw invalid(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  return String(ms);
}

/** "Ada Lovelace" → firstname "Ada", lastname "Lovelace"; mapping back joins them with a space. */
function splitName(name: string): { firstname?: string; lastname?: string } {
  const trimmed = name.trim();
  const at = trimmed.lastIndexOf(" ");
  if (!trimmed) return {};
  return at > 0 ? { firstname: trimmed.slice(0, at), lastname: trimmed.slice(at + 1) } : { firstname: trimmed };
}

/**
 * The contact (or company) the invoice is for: the given external id, else the contact with the
 * draft's email (read by email, which is unique and, unlike search, current), else a new contact.
 * https://developers.hubspot.com/docs/api/crm/contacts
 */
async function customerFor(api: HubspotApi, customer: InvoiceDraft["customer"]): Promise<CustomerRef> {
  const given = parseCustomerExternalId(customer.externalId);
  if (given) return given;
  const email = customer.email?.trim() || null;
  if (email) {
    try {
      const found = await api.call({ idempotent: true }, (sdk) => sdk.objects.getById("contacts", email, ["email"], undefined, undefined, false, "email"));
      return { type: "contacts", id: crmObjectSchema.parse(found).id };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  try {
    // Not idempotent at the HTTP level: a contact with an email can't be created twice (409
    // below), one without an email could be, so a failed create is not blindly repeated.
    const created = await api.call({ idempotent: false }, (sdk) =>
      sdk.objects.create("contacts", { properties: { ...splitName(customer.name), ...(email ? { email } : {}) }, associations: [] }),
    );
    return { type: "contacts", id: crmObjectSchema.parse(created).id };
  } catch (error) {
    // Someone created the contact between our read and our create: use theirs.
    if (email && error instanceof ProviderError && error.kind === "conflict") {
      const found = await api.call({ idempotent: true }, (sdk) => sdk.objects.getById("contacts", email, ["email"], undefined, undefined, false, "email"));
      return { type: "contacts", id: crmObjectSchema.parse(found).id };
    }
    throw error;
  }
}

/**
 * HubSpot has no idempotency keys. Before creating, we search for an invoice that already carries
 * this Concord id in `concord_invoice_id` and return it: a retried create (same key, or a new key
 * for the same Concord invoice) finds the first one instead of making a second. HubSpot's search
 * index trails writes by a few seconds, so the create itself is never retried by the http layer.
 */
export async function createInvoice(api: HubspotApi, draft: InvoiceDraft, _options: WriteOptions): Promise<ExternalInvoice> {
  const existing = await findInvoiceBy(api, CROSS_REFERENCE_PROPERTY, draft.concordId);
  if (existing) {
    const invoice = await readInvoice(api, existing.id);
    if (invoice) return invoice;
  }
  const currency = currencyCode(draft.currency);
  if (draft.lines.length === 0) throw invalid("An invoice needs at least one line");
  // hs_amount_billed is HubSpot's total; computed in minor units, written as a decimal.
  const totalMinor = draft.lines.reduce((sum, line) => sum + lineAmountMinor(line.quantity, line.unitAmountMinor), 0n);
  const customer = await customerFor(api, draft.customer);
  const properties: Record<string, string> = {
    hs_currency: currency,
    hs_invoice_status: "open",
    hs_amount_billed: toDecimal(totalMinor, currency),
    [CROSS_REFERENCE_PROPERTY]: draft.concordId,
    ...(draft.issueDate ? { hs_invoice_date: dateValue(draft.issueDate) } : {}),
    ...(draft.dueDate ? { hs_due_date: dateValue(draft.dueDate) } : {}),
    ...(draft.number ? { hs_number: draft.number } : {}),
    ...(draft.memo ? { hs_comments: draft.memo } : {}),
  };
  const created = await api.call({ idempotent: false }, (sdk) =>
    sdk.objects.create("invoices", {
      properties,
      associations: [{ to: { id: customer.id }, types: [{ associationCategory: HUBSPOT_DEFINED, associationTypeId: INVOICE_TO[customer.type] }] }],
    }),
  );
  const record = crmObjectSchema.parse(created);
  // The create answer has no associations; we know the one we made.
  return toInvoice(record, { contacts: customer.type === "contacts" ? [customer.id] : [], companies: customer.type === "companies" ? [customer.id] : [] });
}

async function readForUpdate(api: HubspotApi, invoiceId: string) {
  if (!/^\d+$/.test(invoiceId)) throw new ProviderError("hubspot", "not_found", `No HubSpot invoice ${invoiceId}`);
  const raw = await api.call({ idempotent: true }, (sdk) => sdk.objects.getById("invoices", invoiceId, [...INVOICE_PROPERTIES, PAYMENT_KEYS_PROPERTY], undefined, ["contacts", "companies"], false));
  const record = crmObjectSchema.parse(raw);
  return { record, invoice: toInvoice(record) };
}

/** A short, fixed-length form of an idempotency key, safe to keep in a property. */
function keyHash(idempotencyKey: string): string {
  return createHash("sha256").update(idempotencyKey).digest("hex").slice(0, 24);
}

/**
 * A payment is an increase of hs_amount_paid (and status paid once nothing is due). An increase is
 * not safe to repeat, so the invoice remembers the (hashed) idempotency keys of the payments
 * applied to it in `concord_payment_keys`, written in the same update as the amount: a retry
 * whose key is there changes nothing and answers the same payment. HubSpot has no conditional
 * updates, so two different payments for one invoice must not run at the same time (the sync
 * engine pushes one invoice at a time).
 * https://developers.hubspot.com/docs/api-reference/crm-invoices-v3/basic/patch-crm-v3-objects-invoices-invoiceId
 */
export async function recordPayment(api: HubspotApi, draft: PaymentDraft, options: WriteOptions): Promise<ExternalPayment> {
  const { record, invoice } = await readForUpdate(api, draft.invoiceExternalId);
  const hash = keyHash(options.idempotencyKey);
  const keys = (record.properties[PAYMENT_KEYS_PROPERTY] ?? "").split(/\s+/).filter(Boolean);
  if (keys.includes(hash)) return appliedPayment({ invoice, keyHash: hash, amountMinor: draft.amountMinor, paidOn: draft.paidOn });

  if (currencyCode(draft.currency) !== invoice.currency) throw invalid(`The payment is in ${draft.currency}, the invoice in ${invoice.currency}`, "CURRENCY_MISMATCH");
  if (draft.amountMinor <= 0n) throw invalid("A payment amount must be positive");
  if (invoice.status === "VOID") throw invalid("A voided invoice cannot take a payment", "INVOICE_VOIDED");
  if (draft.amountMinor > invoice.amountDueMinor) throw invalid(`The payment exceeds the balance due (${toDecimal(invoice.amountDueMinor, invoice.currency)} ${invoice.currency})`, "OVERPAYMENT");

  const paidMinor = invoice.amountPaidMinor + draft.amountMinor;
  const settled = paidMinor >= invoice.totalMinor;
  const properties: Record<string, string> = {
    hs_amount_paid: toDecimal(paidMinor, invoice.currency),
    [PAYMENT_KEYS_PROPERTY]: [...keys, hash].slice(-MAX_PAYMENT_KEYS).join(" "),
    ...(settled ? { hs_invoice_status: "paid", hs_payment_date: dateValue(draft.paidOn) } : {}),
  };
  // Safe to repeat: it sets absolute values (and the key that makes the whole payment a no-op next time).
  await api.call({ idempotent: true }, (sdk) => sdk.objects.update("invoices", invoice.externalId, { properties }));
  const updated = await readInvoice(api, invoice.externalId);
  if (!updated) throw new ProviderError("hubspot", "not_found", `HubSpot invoice ${invoice.externalId} disappeared after the payment`);
  return appliedPayment({ invoice: updated, keyHash: hash, amountMinor: draft.amountMinor, paidOn: draft.paidOn });
}

/** Setting hs_invoice_status to voided; repeating it changes nothing. */
export async function voidInvoice(api: HubspotApi, externalId: string, _options: WriteOptions): Promise<ExternalInvoice> {
  const { invoice } = await readForUpdate(api, externalId);
  if (invoice.status === "VOID") return invoice;
  await api.call({ idempotent: true }, (sdk) => sdk.objects.update("invoices", externalId, { properties: { hs_invoice_status: "voided" } }));
  // Read back with associations: the update answer has none, and a newer version without the customer would erase it.
  const updated = await readInvoice(api, externalId);
  if (!updated) throw new ProviderError("hubspot", "not_found", `HubSpot invoice ${externalId} disappeared after voiding`);
  return updated;
}

/**
 * HubSpot invoices have no refund: the CRM invoice object has no refund record or property
 * (Concord records payments there as hs_amount_paid, a running total). Faking one (lowering
 * hs_amount_paid, adding a note) would show money movement HubSpot does not have and would read
 * back as a smaller payment, not as a refund. So this refuses with kind "unsupported" and writes
 * nothing; `hubspotConnector.supportsRefunds` is false, so the planner can skip HubSpot for
 * refunds, with that reason, without calling this.
 * https://developers.hubspot.com/docs/api-reference/crm-invoices-v3/guide
 */
export function recordRefund(draft: RefundDraft, _options: WriteOptions): Promise<ExternalPayment> {
  return Promise.reject(new ProviderError("hubspot", "unsupported", `HubSpot invoices have no refund record: the refund of invoice ${draft.invoiceExternalId} is not written to HubSpot`, { code: "refunds_unsupported" }));
}

/**
 * A new due date is a plain property update (absolute, so safe to repeat). Concord does not model
 * HubSpot line items (the invoice's total is hs_amount_billed, see createInvoice), so new lines
 * are refused as "unsupported" and nothing is written; so is any change to a voided invoice.
 * https://developers.hubspot.com/docs/api-reference/crm-invoices-v3/basic/patch-crm-v3-objects-invoices-invoiceId
 */
export async function updateInvoice(api: HubspotApi, externalId: string, patch: InvoicePatch, _options: WriteOptions): Promise<ExternalInvoice> {
  const update = checkInvoicePatch("hubspot", patch);
  const { invoice } = await readForUpdate(api, externalId);
  if (alreadyApplied(invoice, update)) return invoice;
  if (update.lines) throw new ProviderError("hubspot", "unsupported", `Concord does not write HubSpot line items: the lines of invoice ${externalId} are left as they are`, { code: "lines_unsupported" });
  if (invoice.status === "VOID") throw invalid(`HubSpot invoice ${externalId} is voided: Concord changes it no more`, "invoice_void");
  await api.call({ idempotent: true }, (sdk) => sdk.objects.update("invoices", externalId, { properties: { hs_due_date: dateValue(update.dueDate!) } }));
  const updated = await readInvoice(api, externalId);
  if (!updated) throw new ProviderError("hubspot", "not_found", `HubSpot invoice ${externalId} disappeared after the update`);
  return updated;
}
