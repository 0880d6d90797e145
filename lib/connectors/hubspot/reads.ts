/**
 * The reads every part of the client shares: one record (archived ones read as deleted), one
 * search page (behind the search limit), associations of many invoices at once, and one type's
 * changes since a time through the search API.
 * https://developers.hubspot.com/docs/api/crm/search
 */
import type { FilterOperatorEnum } from "@hubspot/api-client/lib/codegen/crm/objects/models/Filter";
import type { ExternalInvoice } from "../types";
import { isNotFound, type HubspotApi } from "./api";
import { INVOICE_PROPERTIES, instantMs, toInvoice, type Associated, type CustomerType } from "./mappers";
import { associationBatchSchema, crmObjectSchema, searchPageSchema, type CrmObject } from "./schemas";

export const PAGE_SIZE = 100;
/** The search endpoints page no further than 10,000 results for one query. */
const SEARCH_RESULT_CAP = 10_000;

const GTE = "GTE" as FilterOperatorEnum;
const EQ = "EQ" as FilterOperatorEnum;

export type SearchedType = { type: "invoices" | CustomerType; modified: string; properties: string[] };

/** Reads an invoice with its contact and company associations; archived invoices read as deleted; null when unknown. */
export async function readInvoice(api: HubspotApi, id: string): Promise<ExternalInvoice | null> {
  const record = await readObject(api, "invoices", id, INVOICE_PROPERTIES, ["contacts", "companies"]);
  return record ? toInvoice(record) : null;
}

/** GET /crm/v3/objects/{type}/{id}, then with archived=true (a deleted record is a change too). */
export async function readObject(api: HubspotApi, type: string, id: string, properties: string[], associations?: string[]): Promise<CrmObject | null> {
  if (!/^\d+$/.test(id)) return null;
  for (const archived of [false, true]) {
    try {
      const raw = await api.call({ idempotent: true }, (sdk) => sdk.objects.getById(type, id, properties, undefined, associations, archived));
      return crmObjectSchema.parse(raw);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return null;
}

/** One search page: records of `type` matching `filters`, sorted ascending by `sortBy`. */
export async function searchPage(api: HubspotApi, params: { type: string; filters: { propertyName: string; operator: FilterOperatorEnum; value: string }[]; sortBy?: string; properties: string[]; after?: number; limit?: number }) {
  const raw = await api.search((sdk) =>
    sdk.search.doSearch(params.type, {
      filterGroups: [{ filters: params.filters }],
      // The SDK types sorts as strings; HubSpot documents sort objects, which the SDK passes through.
      sorts: params.sortBy ? ([{ propertyName: params.sortBy, direction: "ASCENDING" }] as unknown as string[]) : [],
      properties: params.properties,
      limit: params.limit ?? PAGE_SIZE,
      after: params.after ? String(params.after) : undefined,
    }),
  );
  return searchPageSchema.parse(raw);
}

/** The invoice found by an exact property value (the cross-reference), or null. */
export async function findInvoiceBy(api: HubspotApi, propertyName: string, value: string): Promise<CrmObject | null> {
  const page = await searchPage(api, { type: "invoices", filters: [{ propertyName, operator: EQ, value }], properties: ["hs_object_id"], limit: 2 });
  return page.results[0] ?? null;
}

/**
 * The contacts and companies of many invoices, two calls per 1,000: search results carry no
 * associations. https://developers.hubspot.com/docs/api/crm/associations/v4#retrieve-associated-records
 */
export async function associationsOf(api: HubspotApi, invoiceIds: string[]): Promise<Map<string, Associated>> {
  const out = new Map<string, Associated>(invoiceIds.map((id) => [id, { contacts: [], companies: [] }]));
  if (invoiceIds.length === 0) return out;
  for (const to of ["contacts", "companies"] as const) {
    // A batch read takes at most 1,000 inputs.
    for (let i = 0; i < invoiceIds.length; i += 1_000) {
      const inputs = invoiceIds.slice(i, i + 1_000).map((id) => ({ id }));
      const raw = await api.call({ idempotent: true }, (sdk) => sdk.associations.getPage("invoices", to, { inputs }));
      for (const result of associationBatchSchema.parse(raw).results) {
        const entry = out.get(result.fromId);
        if (entry) entry[to] = result.toIds;
      }
    }
  }
  return out;
}

export type TypeChanges = { records: CrmObject[]; more: boolean; lastMs: number | null };

/**
 * One type's changes since `sinceMs`: one search page, sorted ascending by modification time.
 * When a whole page shares the cursor's millisecond the cursor could not move, so paging goes on
 * (by offset) until a later time shows up, the results end, or the search cap is reached.
 */
export async function changedSince(api: HubspotApi, searched: SearchedType, sinceMs: number): Promise<TypeChanges> {
  const records: CrmObject[] = [];
  let after = 0;
  for (;;) {
    const page = await searchPage(api, {
      type: searched.type,
      filters: [{ propertyName: searched.modified, operator: GTE, value: String(sinceMs) }],
      sortBy: searched.modified,
      properties: searched.properties,
      after,
    });
    records.push(...page.results);
    const lastMs = instantMs(page.results.at(-1)?.properties[searched.modified]) ?? null;
    const next = page.paging?.next?.after;
    if (!next) return { records, more: false, lastMs };
    after = Number(next);
    if (lastMs !== null && lastMs > sinceMs) return { records, more: true, lastMs };
    // More than 10,000 records modified in one millisecond cannot be paged; skip past that millisecond.
    if (after + PAGE_SIZE > SEARCH_RESULT_CAP) return { records, more: true, lastMs: sinceMs + 1 };
  }
}

