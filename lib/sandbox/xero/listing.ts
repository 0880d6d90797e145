/**
 * GET on a collection, the same way for invoices, contacts and payments: If-Modified-Since
 * (only records changed after it), `where`, `searchTerm`, `order`, then paging when `page` is
 * given (without it Xero answers every match, in summary form for invoices).
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#http-get
 */
import { header, type SandboxRequest, type SandboxResponse } from "../core/http";
import { parseModifiedSince } from "./dates";
import { queryParseError } from "./errors";
import { compileOrder, compileWhere, DEFAULT_PAGE_SIZE, type Fields, intParam, paginate, QueryError } from "./query";
import type { Pagination } from "./wire";

export type ListSpec<R> = {
  typeName: string;
  fields: Fields<R>;
  updatedAt: (record: R) => number;
  /** Filters from resource-specific parameters (IDs, Statuses, includeArchived...). */
  filters?: ((record: R) => boolean)[];
  /** Case-insensitive text search over the resource's searchable fields. */
  search?: (record: R, term: string) => boolean;
};

export type ListResult<R> = { ok: true; items: R[]; pagination?: Pagination } | { ok: false; response: SandboxResponse };

export function listRecords<R>(req: SandboxRequest, records: Iterable<R>, spec: ListSpec<R>): ListResult<R> {
  const filters = [...(spec.filters ?? [])];
  const since = header(req, "if-modified-since");
  const sinceMs = since ? parseModifiedSince(since) : null;
  if (sinceMs !== null) filters.push((r) => spec.updatedAt(r) > sinceMs);
  const term = req.query.get("searchTerm")?.trim().toLowerCase();
  if (term && spec.search) filters.push((r) => spec.search!(r, term));
  let order: ((a: R, b: R) => number) | null = null;
  try {
    const where = req.query.get("where")?.trim();
    if (where) filters.push(compileWhere(where, spec.fields, spec.typeName));
    const orderBy = req.query.get("order")?.trim();
    if (orderBy) order = compileOrder(orderBy, spec.fields, spec.typeName);
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, response: queryParseError(error.message) };
    throw error;
  }
  const items: R[] = [];
  for (const r of records) if (filters.every((f) => f(r))) items.push(r);
  if (order) items.sort(order);
  const page = intParam(req.query, "page");
  if (page === null) return { ok: true, items };
  const pageSize = intParam(req.query, "pageSize");
  const paged = paginate(items, Number.isNaN(page) ? 1 : page, pageSize === null || Number.isNaN(pageSize) ? DEFAULT_PAGE_SIZE : pageSize);
  return { ok: true, items: paged.items, pagination: paged.pagination };
}
