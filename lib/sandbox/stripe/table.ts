/**
 * Ordered object tables and Stripe's cursor pagination over them: newest first, `limit`,
 * `starting_after` / `ending_before` by object id, `has_more`. Positions are found by binary
 * search on (created, insertion order), so a page costs O(log n + scanned).
 * https://docs.stripe.com/api/pagination
 */
import type { Table } from "./types";

/** Rows are ordered by `created` (invoice items by their `date`). */
type Row = { id: string; created: number } | { id: string; date: number };
const when = (row: Row): number => ("created" in row ? row.created : row.date);

function position<T extends Row>(table: Table<T>, id: string): number {
  const target = table.byId[id];
  const seq = table.seq[id];
  if (!target || seq === undefined) return -1;
  let lo = 0;
  let hi = table.order.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const other = table.order[mid]!;
    const diff = when(table.byId[other]!) - when(target) || table.seq[other]! - seq;
    if (diff === 0) return mid;
    if (diff < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function insert<T extends Row>(table: Table<T>, row: T): T {
  table.byId[row.id] = row;
  table.seq[row.id] = table.next++;
  // After every row created at or before this one: appends in the common case.
  let lo = 0;
  let hi = table.order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (when(table.byId[table.order[mid]!]!) <= when(row)) lo = mid + 1;
    else hi = mid;
  }
  table.order.splice(lo, 0, row.id);
  return row;
}

export function remove<T extends Row>(table: Table<T>, id: string): void {
  const at = position(table, id);
  if (at >= 0) table.order.splice(at, 1);
  delete table.byId[id];
  delete table.seq[id];
}

/** Drops the oldest rows while `expired(row)` holds, and any beyond `maxRows`. */
export function pruneOldest<T extends Row>(table: Table<T>, expired: (row: T) => boolean, maxRows = Infinity): void {
  let n = Math.max(0, table.order.length - maxRows);
  while (n < table.order.length && expired(table.byId[table.order[n]!]!)) n++;
  for (const id of table.order.slice(0, n)) {
    delete table.byId[id];
    delete table.seq[id];
  }
  table.order.splice(0, n);
}

export type PageQuery = { limit: number; startingAfter?: string; endingBefore?: string };
export type Page<T> = { data: T[]; hasMore: boolean } | { missingCursor: "starting_after" | "ending_before" };

/** One page, newest first, of the rows that pass `keep`. */
export function page<T extends Row>(table: Table<T>, query: PageQuery, keep: (row: T) => boolean = () => true): Page<T> {
  const { order, byId } = table;
  const data: T[] = [];
  if (query.endingBefore !== undefined) {
    const at = position(table, query.endingBefore);
    if (at < 0) return { missingCursor: "ending_before" };
    let i = at + 1;
    for (; i < order.length && data.length < query.limit; i++) {
      const row = byId[order[i]!]!;
      if (keep(row)) data.push(row);
    }
    return { data: data.reverse(), hasMore: scan(order, byId, i, 1, keep) };
  }
  let start = order.length - 1;
  if (query.startingAfter !== undefined) {
    const at = position(table, query.startingAfter);
    if (at < 0) return { missingCursor: "starting_after" };
    start = at - 1;
  }
  let i = start;
  for (; i >= 0 && data.length < query.limit; i--) {
    const row = byId[order[i]!]!;
    if (keep(row)) data.push(row);
  }
  return { data, hasMore: scan(order, byId, i, -1, keep) };
}

function scan<T>(order: string[], byId: Record<string, T>, from: number, step: 1 | -1, keep: (row: T) => boolean): boolean {
  for (let i = from; i >= 0 && i < order.length; i += step) if (keep(byId[order[i]!]!)) return true;
  return false;
}

export function count<T>(table: Table<T>): number {
  return table.order.length;
}
