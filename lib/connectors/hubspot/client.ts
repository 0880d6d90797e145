/**
 * The API client of one HubSpot portal: invoices, contacts and companies paged with `after`,
 * single records, and incremental changes through the CRM search API by last-modified time.
 * Writes are in writes.ts, shared reads in reads.ts.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 */
import type { Changes, ClientContext, ExternalCustomer, Page, ProviderClient } from "../types";
import { HubspotApi, type HubspotSettings } from "./api";
import { COMPANY_PROPERTIES, CONTACT_PROPERTIES, INVOICE_PROPERTIES, parseCustomerExternalId, toCustomer, toInvoice, type CustomerType } from "./mappers";
import { associationsOf, changedSince, PAGE_SIZE, readInvoice, readObject, type SearchedType, type TypeChanges } from "./reads";
import { crmPageSchema } from "./schemas";
import { createInvoice, recordPayment, recordRefund, updateInvoice, voidInvoice } from "./writes";

/**
 * HubSpot's search index trails writes by a few seconds, so a record modified just before another
 * may become searchable just after it: moving the cursor to the latest modification seen could
 * skip it for good. Once a search has returned everything, the cursor moves to this long before
 * the search started (also covering clock skew between us and HubSpot); the records of those
 * seconds come again on the next call, which versions make harmless.
 */
const SEARCH_SETTLE_MS = 30_000;

const SEARCHED: SearchedType[] = [
  { type: "invoices", modified: "hs_lastmodifieddate", properties: INVOICE_PROPERTIES },
  // Contacts keep their last-modified time in `lastmodifieddate`, other objects in `hs_lastmodifieddate`.
  { type: "contacts", modified: "lastmodifieddate", properties: CONTACT_PROPERTIES },
  { type: "companies", modified: "hs_lastmodifieddate", properties: COMPANY_PROPERTIES },
];

export type HubspotClientOptions = { now?: () => number };

export function createHubspotClient(settings: HubspotSettings, context: ClientContext, options: HubspotClientOptions = {}): ProviderClient {
  const api = new HubspotApi(settings, context);
  const now = options.now ?? Date.now;

  async function listObjects(type: string, properties: string[], cursor: string | null, associations?: string[]) {
    const raw = await api.call({ idempotent: true }, (sdk) => sdk.objects.getPage(type, PAGE_SIZE, cursor ?? undefined, properties, undefined, associations, false));
    const page = crmPageSchema.parse(raw);
    return { results: page.results, next: page.paging?.next?.after ?? null };
  }

  return {
    // https://developers.hubspot.com/docs/api-reference/crm-invoices-v3/basic/get-crm-v3-objects-invoices
    async listInvoices(cursor) {
      const page = await listObjects("invoices", INVOICE_PROPERTIES, cursor, ["contacts", "companies"]);
      return { items: page.results.map((r) => toInvoice(r)), next: page.next };
    },

    /** Contacts first, then companies; the cursor says which list and where in it ("companies:<after>"). */
    async listCustomers(cursor): Promise<Page<ExternalCustomer>> {
      const match = /^(contacts|companies):(.*)$/.exec(cursor ?? "contacts:");
      if (!match) throw new Error(`Not a HubSpot customer cursor: ${cursor}`);
      const type = match[1] as CustomerType;
      const page = await listObjects(type, type === "contacts" ? CONTACT_PROPERTIES : COMPANY_PROPERTIES, match[2] || null);
      const next = page.next ? `${type}:${page.next}` : type === "contacts" ? "companies:" : null;
      return { items: page.results.map((r) => toCustomer(type, r)), next };
    },

    // HubSpot has no payment records Concord reads: HubSpot Payments' own payments aren't in the
    // CRM objects API, and payments Concord records become hs_amount_paid on the invoice (see
    // writes.ts). So there is nothing to list or fetch; invoice amounts carry the payment state.
    async listPayments() {
      return { items: [], next: null };
    },
    async getPayment() {
      return null;
    },

    getInvoice: (externalId) => readInvoice(api, externalId),

    async getCustomer(externalId) {
      const ref = parseCustomerExternalId(externalId);
      if (!ref) return null;
      const record = await readObject(api, ref.type, ref.id, ref.type === "contacts" ? CONTACT_PROPERTIES : COMPANY_PROPERTIES);
      return record ? toCustomer(ref.type, record) : null;
    },

    /** Epoch milliseconds: changes() asks for records modified at or after it. */
    async startCursor() {
      return String(now());
    },

    /**
     * One search page per type (invoices, contacts, companies) of records modified at or after
     * the cursor, oldest first, so the caller can save the cursor after every call.
     */
    async changes(cursor): Promise<Changes> {
      if (!/^\d{1,15}$/.test(cursor)) throw new Error(`Not a HubSpot changes cursor: ${cursor}`);
      const sinceMs = Number(cursor);
      const startedAt = now();
      const found = new Map<string, TypeChanges>();
      for (const searched of SEARCHED) found.set(searched.type, await changedSince(api, searched, sinceMs));

      const invoiceRecords = found.get("invoices")!.records;
      const associated = await associationsOf(api, invoiceRecords.map((r) => r.id));
      const invoices = invoiceRecords.map((r) => toInvoice(r, associated.get(r.id)));
      const customers = (["contacts", "companies"] as const).flatMap((type) => found.get(type)!.records.map((r) => toCustomer(type, r)));

      const behind = [...found.values()].filter((t) => t.more);
      // Some type has more: resume where the slowest one stopped (the others' later records come again).
      // Otherwise everything searchable was returned; what isn't searchable yet was modified in the last seconds.
      const next = behind.length ? Math.min(...behind.map((t) => t.lastMs ?? sinceMs + 1)) : Math.max(sinceMs, startedAt - SEARCH_SETTLE_MS);
      return { invoices, payments: [], customers, cursor: String(next), hasMore: behind.length > 0 };
    },

    createInvoice: (draft, options) => createInvoice(api, draft, options),
    recordPayment: (draft, options) => recordPayment(api, draft, options),
    recordRefund: (draft, options) => recordRefund(draft, options),
    voidInvoice: (externalId, options) => voidInvoice(api, externalId, options),
    updateInvoice: (externalId, patch, options) => updateInvoice(api, externalId, patch, options),
  };
}
