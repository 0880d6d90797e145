/** Stripe list objects: `{ object: "list", data, has_more, url }`, newest first, 10 by default. */
import { fail } from "./errors";
import { render } from "./expand";
import { page } from "./table";
import type { Table } from "./types";

export type ListQuery = { limit?: number; starting_after?: string; ending_before?: string };

export function listOf<T extends { id: string; created: number } | { id: string; date: number }>(table: Table<T>, kind: string, query: ListQuery, url: string, keep?: (row: T) => boolean) {
  const result = page(table, { limit: query.limit ?? 10, startingAfter: query.starting_after, endingBefore: query.ending_before }, keep);
  if ("missingCursor" in result) {
    const id = result.missingCursor === "starting_after" ? query.starting_after : query.ending_before;
    throw fail.noSuch(kind, id ?? "", result.missingCursor);
  }
  return { object: "list" as const, data: result.data.map((row) => render(row)), has_more: result.hasMore, url };
}

/** A row by id, or Stripe's 404 naming the object kind. */
export function mustFind<T>(table: Table<T>, kind: string, id: string, param = "id"): T {
  const row = table.byId[id];
  if (!row) throw fail.noSuch(kind, id, param);
  return row;
}
