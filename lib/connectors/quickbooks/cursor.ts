/**
 * The incremental-sync cursor over QuickBooks' change data capture (CDC). Normally one ISO time
 * for every entity; after a CDC answer hit its 1000-object cap, one time per entity, so an
 * entity that got none of the budget keeps its place instead of being skipped past. Cursors
 * written before refund receipts were read name no RefundReceipt time: it starts at Payment's,
 * since refunds are read with the payments.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 */
import type { EntityName } from "./schemas";

export const CDC_ENTITIES: readonly EntityName[] = ["Invoice", "Payment", "Customer", "RefundReceipt"];
/** CDC answers at most this many objects, across all the entities of one request. */
export const CDC_MAX_OBJECTS = 1000;
/**
 * LastUpdatedTime has second precision and a change may reach CDC a moment after it is saved,
 * so each new cursor starts a few seconds back. What comes twice carries the same SyncToken
 * version and changes nothing downstream.
 */
export const OVERLAP_MS = 5_000;

/** CDC looks back 30 days at most; a cursor older than that (less an hour's margin for clock skew) needs a full resync. */
export const CDC_WINDOW_MS = 30 * 86_400_000 - 3_600_000;

export type CdcCursor = Record<EntityName, number>;

/** Whole seconds in UTC, the form `changedSince` takes ("2026-03-01T10:00:00Z"). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

function parseTime(text: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) throw new RangeError(`"${text}" is not a QuickBooks sync cursor`);
  return ms;
}

export function parseCursor(text: string): CdcCursor {
  if (!text.includes("=")) {
    const ms = parseTime(text);
    return { Invoice: ms, Payment: ms, Customer: ms, RefundReceipt: ms };
  }
  const params = new URLSearchParams(text);
  const read = (entity: EntityName) => parseTime(params.get(entity) ?? "");
  const payment = read("Payment");
  return { Invoice: read("Invoice"), Payment: payment, Customer: read("Customer"), RefundReceipt: params.has("RefundReceipt") ? read("RefundReceipt") : payment };
}

export function formatCursor(cursor: CdcCursor): string {
  const times = CDC_ENTITIES.map((e) => isoSeconds(cursor[e]));
  if (times.every((t) => t === times[0])) return times[0]!;
  return CDC_ENTITIES.map((e, i) => `${e}=${times[i]}`).join("&");
}

/** One CDC request per distinct start time (normally exactly one). */
export function cdcRequests(cursor: CdcCursor): { since: string; entities: EntityName[] }[] {
  const bySince = new Map<string, EntityName[]>();
  for (const entity of CDC_ENTITIES) {
    const since = isoSeconds(cursor[entity]);
    bySince.set(since, [...(bySince.get(since) ?? []), entity]);
  }
  return [...bySince].map(([since, entities]) => ({ since, entities }));
}

/**
 * Where each entity of one CDC answer leaves the cursor. Below the cap everything up to the
 * server's `time` came back, so the cursor moves there (less the overlap). At the cap an entity
 * moves only to its own latest LastUpdatedTime (inclusive, so same-second changes come again),
 * and an entity that got nothing stays put.
 */
export function advance(params: {
  entities: EntityName[];
  since: number;
  serverTime: number;
  /** LastUpdatedTime (ms) of every object each entity's list held. */
  seen: Partial<Record<EntityName, number[]>>;
}): { next: Partial<CdcCursor>; capped: boolean } {
  const { entities, since, serverTime, seen } = params;
  const count = entities.reduce((sum, e) => sum + (seen[e]?.length ?? 0), 0);
  const capped = count >= CDC_MAX_OBJECTS;
  const next: Partial<CdcCursor> = {};
  for (const entity of entities) {
    const times = seen[entity] ?? [];
    if (!capped) next[entity] = Math.max(since, serverTime - OVERLAP_MS);
    else next[entity] = times.length ? Math.max(since, ...times) : since;
  }
  // Over a thousand changes inside one second cannot be paged by CDC; step one second on rather
  // than ask for the same answer forever (the API's own limits make this unreachable in practice).
  if (capped && entities.every((e) => next[e] === since)) for (const e of entities) next[e] = since + 1000;
  return { next, capped };
}
