/**
 * What every write shares: the realm's data, the time of the write, Ids, SyncTokens (optimistic
 * locking: each change increments it, a write carrying an older one is "stale", error 5010),
 * tombstones for CDC, and the change notifications that become webhooks.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture
 */
import { faults } from "./errors";
import { metaTime } from "./time";
import { tableOf, type Entity, type EntityName, type EntityOf, type MetaData, type QuickbooksData } from "./types";

export type Operation = "Create" | "Update" | "Delete" | "Void";

export type WriteContext = {
  data: QuickbooksData;
  realmId: string;
  /** Wall-clock ms of this write (seeding passes the historical time). */
  now: number;
  /** The other user named in Stale Object errors. */
  user: string;
  notify(entity: EntityName, id: string, operation: Operation, at: number): void;
  /** An injected fault asks for this write to be answered as stale. */
  injectStale(): boolean;
};

const CDC_LOOKBACK_MS = 30 * 86_400_000;

export function newMeta(now: number): MetaData {
  const stamp = metaTime(now);
  return { CreateTime: stamp, LastUpdatedTime: stamp };
}

export function nextId(data: QuickbooksData, sequence: "name" | "txn"): string {
  data.seq[sequence] += 1;
  return String(data.seq[sequence]);
}

/** Marks an entity changed: a new SyncToken and LastUpdatedTime. */
export function touch(entity: Entity, now: number): void {
  entity.SyncToken = String(Number(entity.SyncToken) + 1);
  entity.MetaData = { ...entity.MetaData, LastUpdatedTime: metaTime(now) };
}

/** The entity a write names by Id, checked against the SyncToken the client last read. */
export function current<E extends EntityName>(ctx: WriteContext, entity: E, id: string | undefined, syncToken: string | undefined): EntityOf<E> {
  if (id === undefined) throw faults.required("Id");
  const found = tableOf(ctx.data, entity)[id];
  if (!found) {
    const gone = ctx.data.deleted.some((t) => t.entity === entity && t.Id === id);
    throw gone ? faults.deleted() : faults.objectNotFound(`Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees. (${entity} Id ${id})`);
  }
  if (syncToken === undefined) throw faults.required("SyncToken");
  if (syncToken !== found.SyncToken || ctx.injectStale()) throw faults.stale(ctx.user);
  return found;
}

export function bury(ctx: WriteContext, entity: EntityName, id: string): void {
  const { data, now } = ctx;
  data.deleted.push({ entity, Id: id, deletedAt: now, LastUpdatedTime: metaTime(now) });
  const cutoff = now - CDC_LOOKBACK_MS;
  if (data.deleted[0] && data.deleted[0].deletedAt < cutoff) data.deleted = data.deleted.filter((t) => t.deletedAt >= cutoff);
}

export const CDC_WINDOW_MS = CDC_LOOKBACK_MS;

/** Copies the listed fields that the client sent (optional fields of an entity). */
export function copySent(target: Entity, fields: object, keys: readonly string[]): void {
  const source = fields as Record<string, unknown>;
  for (const key of keys) if (source[key] !== undefined) target[key] = source[key];
}
