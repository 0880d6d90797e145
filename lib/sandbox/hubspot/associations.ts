/**
 * Associations between invoices, contacts and companies: HubSpot-defined default types only,
 * stored in both directions. Set through `associations` in a v3 create body or the v4 "default"
 * endpoint; read through `?associations=` on v3 reads and the v4 list endpoint.
 * https://developers.hubspot.com/docs/api/crm/associations/v4
 * https://developers.hubspot.com/docs/api/crm/associations#association-type-id-values
 */
import type { ObjectType } from "./properties";
import type { HubspotData } from "./state";

type Pair = `${ObjectType}>${ObjectType}`;

const DEFAULT_TYPES: Partial<Record<Pair, { typeId: number; name: string }>> = {
  "invoices>contacts": { typeId: 177, name: "invoice_to_contact" },
  "contacts>invoices": { typeId: 178, name: "contact_to_invoice" },
  "invoices>companies": { typeId: 179, name: "invoice_to_company" },
  "companies>invoices": { typeId: 180, name: "company_to_invoice" },
  "contacts>companies": { typeId: 279, name: "contact_to_company_unlabeled" },
  "companies>contacts": { typeId: 280, name: "company_to_contact_unlabeled" },
};

/** Type ids a create body may use, and the object type each one points to. */
const TARGET_BY_TYPE_ID: Record<number, { from: ObjectType; to: ObjectType }> = {
  177: { from: "invoices", to: "contacts" },
  178: { from: "contacts", to: "invoices" },
  179: { from: "invoices", to: "companies" },
  180: { from: "companies", to: "invoices" },
  279: { from: "contacts", to: "companies" },
  280: { from: "companies", to: "contacts" },
  1: { from: "contacts", to: "companies" }, // primary company
  2: { from: "companies", to: "contacts" },
};

export function defaultType(from: ObjectType, to: ObjectType): { typeId: number; name: string } | null {
  return DEFAULT_TYPES[`${from}>${to}`] ?? null;
}

export function targetOf(from: ObjectType, typeId: number): ObjectType | null {
  const t = TARGET_BY_TYPE_ID[typeId];
  return t && t.from === from ? t.to : null;
}

const key = (type: ObjectType, id: string, to: ObjectType) => `${type}:${id}:${to}`;

export function associated(data: HubspotData, type: ObjectType, id: string, to: ObjectType): string[] {
  return data.associations[key(type, id, to)] ?? [];
}

export function associate(data: HubspotData, a: ObjectType, aId: string, b: ObjectType, bId: string): void {
  for (const [from, fromId, to, toId] of [
    [a, aId, b, bId],
    [b, bId, a, aId],
  ] as const) {
    const list = (data.associations[key(from, fromId, to)] ??= []);
    if (!list.includes(toId)) list.push(toId);
  }
}

export function dissociate(data: HubspotData, a: ObjectType, aId: string, b: ObjectType, bId: string): void {
  for (const [from, fromId, to, toId] of [
    [a, aId, b, bId],
    [b, bId, a, aId],
  ] as const) {
    const k = key(from, fromId, to);
    const list = data.associations[k]?.filter((x) => x !== toId);
    if (list?.length) data.associations[k] = list;
    else delete data.associations[k];
  }
}
