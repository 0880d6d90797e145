/**
 * CRM search: filter groups (OR of ANDs), one sort, offset paging with `after`, `total`.
 * Limits as documented: ≤ 5 filter groups, ≤ 6 filters per group, ≤ 18 filters in all, ≤ 200
 * results per page, and no paging past 10,000 results. (Its 5 requests/second limit is in index.ts.)
 * https://developers.hubspot.com/docs/api/crm/search
 */
import { z } from "zod";
import { json, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { validation } from "./errors";
import { parseBody } from "./input";
import { compareDecimal } from "./money";
import { parseInstant, type ObjectMeta, type PropertyDef } from "./properties";
import type { CrmRecord, HubspotData } from "./state";
import { toPublic } from "./wire";
import { withType } from "./objects";

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const OPERATORS = ["EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"] as const;
const filterSchema = z.object({ propertyName: z.string().min(1), operator: z.enum(OPERATORS), value: scalar.optional(), highValue: scalar.optional(), values: z.array(scalar).optional() });
type Filter = z.output<typeof filterSchema>;

// The SDK types sorts as strings ("hs_lastmodifieddate", "-hs_lastmodifieddate" descending); the docs show objects.
const sortSchema = z.union([
  z.string().min(1).transform((s) => (s.startsWith("-") ? { propertyName: s.slice(1), direction: "DESCENDING" as const } : { propertyName: s, direction: "ASCENDING" as const })),
  z.object({ propertyName: z.string().min(1), direction: z.enum(["ASCENDING", "DESCENDING"]).default("ASCENDING") }),
]);

const searchSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema).max(6) })).max(5).default([]),
  sorts: z.array(sortSchema).max(1).default([]),
  properties: z.array(z.string()).default([]),
  limit: z.number().int().min(0).max(200).default(10),
  after: z.union([z.string().regex(/^\d*$/), z.number().int().nonnegative()]).transform((v) => Number(v || 0)).optional(),
  query: z.string().max(3000).optional(),
});

const MAX_RESULTS = 10_000;
const MAX_FILTERS = 18;

/** Compares a stored value with a filter value by the property's type; null when they don't compare. */
function compare(def: PropertyDef, stored: string, target: string): number | null {
  if (def.type === "number") return compareDecimal(stored, target);
  if (def.type === "datetime") {
    const [a, b] = [parseInstant(stored), parseInstant(target)];
    return a === null || b === null ? null : Math.sign(a - b);
  }
  const [a, b] = [stored.toLowerCase(), target.toLowerCase()];
  return a === b ? 0 : a < b ? -1 : 1;
}

/** CONTAINS_TOKEN matches whole words, with `*` as a wildcard ("*@hubspot.com"). */
function containsToken(stored: string, token: string): boolean {
  const pattern = new RegExp(`^${token.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return [stored.toLowerCase(), ...stored.toLowerCase().split(/[\s,;]+/)].some((word) => pattern.test(word));
}

function matches(meta: ObjectMeta, record: CrmRecord, f: Filter): boolean {
  const def = meta.properties[f.propertyName]!;
  const stored = record.properties[f.propertyName];
  if (f.operator === "HAS_PROPERTY") return stored !== undefined;
  if (f.operator === "NOT_HAS_PROPERTY") return stored === undefined;
  if (f.operator === "NEQ" || f.operator === "NOT_IN" || f.operator === "NOT_CONTAINS_TOKEN") {
    if (stored === undefined) return true;
  } else if (stored === undefined) return false;
  const cmp = (target: string | undefined) => (target === undefined ? null : compare(def, stored!, target));
  switch (f.operator) {
    case "EQ":
      return cmp(f.value) === 0;
    case "NEQ":
      return cmp(f.value) !== 0;
    case "LT":
      return (cmp(f.value) ?? 0) < 0;
    case "LTE":
      return (cmp(f.value) ?? 1) <= 0;
    case "GT":
      return (cmp(f.value) ?? 0) > 0;
    case "GTE":
      return (cmp(f.value) ?? -1) >= 0;
    case "BETWEEN":
      return (cmp(f.value) ?? -1) >= 0 && (cmp(f.highValue) ?? 1) <= 0;
    case "IN":
      return (f.values ?? []).some((v) => cmp(v) === 0);
    case "NOT_IN":
      return !(f.values ?? []).some((v) => cmp(v) === 0);
    case "CONTAINS_TOKEN":
      return containsToken(stored!, f.value ?? "");
    case "NOT_CONTAINS_TOKEN":
      return !containsToken(stored!, f.value ?? "");
  }
}

function search(req: SandboxRequest, ctx: ApiContext<HubspotData>, meta: ObjectMeta): SandboxResponse {
  const input = parseBody(req, searchSchema, "PublicObjectSearchRequest");
  if (!input.ok) return input.response;
  const { filterGroups, sorts, properties, limit, query } = input.value;
  const offset = input.value.after ?? 0;
  const filters = filterGroups.flatMap((g) => g.filters);
  if (filters.length > MAX_FILTERS) return validation(`A search may have at most ${MAX_FILTERS} filters; it has ${filters.length}`);
  const unknown = [...filters.map((f) => f.propertyName), ...sorts.map((s) => s.propertyName)].find((name) => !(name in meta.properties));
  if (unknown) return validation(`Property "${unknown}" does not exist`, { errors: [{ message: `Property "${unknown}" does not exist`, code: "PROPERTY_DOESNT_EXIST" }] });
  if (offset + limit > MAX_RESULTS) return validation(`The search endpoints are limited to ${MAX_RESULTS} total results for any given query; after + limit must not exceed it`);

  const words = query?.trim() ? query.trim().toLowerCase().split(/\s+/) : [];
  const hits: CrmRecord[] = [];
  for (const record of Object.values(ctx.data.objects[meta.name])) {
    if (record.archived) continue;
    if (filterGroups.length && !filterGroups.some((g) => g.filters.every((f) => matches(meta, record, f)))) continue;
    if (words.length && !words.every((w) => meta.text.some((p) => record.properties[p]?.toLowerCase().includes(w)))) continue;
    hits.push(record);
  }
  const sort = sorts[0];
  const sortDef = sort ? meta.properties[sort.propertyName]! : null;
  hits.sort((a, b) => {
    if (sort && sortDef) {
      const [x, y] = [a.properties[sort.propertyName], b.properties[sort.propertyName]];
      // Records without the property come last either way.
      const c = x === undefined || y === undefined ? (x === y ? 0 : x === undefined ? 1 : -1) : (compare(sortDef, x, y) ?? 0) * (sort.direction === "DESCENDING" ? -1 : 1);
      if (c !== 0) return c;
    }
    return Number(a.id) - Number(b.id);
  });
  const options = { properties: properties.length ? properties : null, withHistory: [], associations: [] };
  const body: Record<string, unknown> = { total: hits.length, results: hits.slice(offset, offset + limit).map((r) => toPublic(meta, r, options)) };
  const next = offset + limit;
  if (limit > 0 && next < hits.length && next < MAX_RESULTS) body.paging = { next: { after: String(next) } };
  return json(200, body);
}

export const SEARCH_ROUTE = "/crm/v3/objects/:objectType/search";

export function searchRoutes(api: ApiRoutes<HubspotData>): void {
  api.add("POST", SEARCH_ROUTE, withType(search));
}
