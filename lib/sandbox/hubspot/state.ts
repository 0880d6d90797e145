/**
 * A HubSpot portal's data: CRM records per object type (in their wire shape: string properties),
 * an id-ordered index per type for cursor paging, associations in both directions, and the
 * contact email index HubSpot uses for uniqueness and `idProperty=email`.
 */
import { OBJECTS, type ObjectType } from "./properties";

export type HistoryEntry = { value: string; timestamp: string; sourceType: string };

export type CrmRecord = {
  id: string;
  /** Only set properties; an unset property reads as null. */
  properties: Record<string, string>;
  history: Record<string, HistoryEntry[]>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  archivedAt?: string;
};

export type HubspotData = {
  objects: Record<ObjectType, Record<string, CrmRecord>>;
  /** Ids in creation order, which is ascending: list paging binary-searches it. */
  order: Record<ObjectType, string[]>;
  nextId: Record<ObjectType, number>;
  /** "invoices:44446244001:contacts" → associated contact ids. */
  associations: Record<string, string[]>;
  /** Lower-cased email → contact id. */
  emails: Record<string, string>;
  nextEventId: number;
};

const TYPES = Object.keys(OBJECTS) as ObjectType[];
const perType = <T>(make: (t: ObjectType) => T) => Object.fromEntries(TYPES.map((t) => [t, make(t)])) as Record<ObjectType, T>;

export function newData(): HubspotData {
  return {
    objects: perType(() => ({})),
    order: perType(() => []),
    nextId: perType((t) => OBJECTS[t].idBase),
    associations: {},
    emails: {},
    nextEventId: 1,
  };
}

export function counts(data: HubspotData): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of TYPES) out[t] = Object.values(data.objects[t]).filter((r) => !r.archived).length;
  out.associations = Object.values(data.associations).reduce((n, ids) => n + ids.length, 0) / 2;
  return out;
}

export function allocateId(data: HubspotData, type: ObjectType): string {
  const id = data.nextId[type];
  data.nextId[type] = id + 1;
  return String(id);
}

export function insert(data: HubspotData, type: ObjectType, record: CrmRecord): void {
  data.objects[type][record.id] = record;
  data.order[type].push(record.id);
}

/** Index of the first id ≥ `after` in the ascending order. */
export function seek(order: string[], after: number): number {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number(order[mid]) < after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
