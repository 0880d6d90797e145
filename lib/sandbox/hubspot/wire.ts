/**
 * Records in HubSpot's response shape (SimplePublicObject): `{ id, properties, createdAt,
 * updatedAt, archived, archivedAt?, propertiesWithHistory?, associations? }`, properties sorted by
 * name, requested-but-unset properties as null, unknown requested properties ignored.
 */
import type { SandboxRequest } from "../core/http";
import { associated, defaultType } from "./associations";
import { resolveType, type ObjectMeta } from "./properties";
import type { CrmRecord, HubspotData } from "./state";

export type ReadOptions = {
  /** null: the type's defaults; "all": every set property (create/update answers). */
  properties: string[] | null | "all";
  withHistory: string[];
  /** Association names as requested ("contacts", "0-1"...). */
  associations: string[];
};

/** `properties=a,b` and `properties=a&properties=b` are both accepted, as by HubSpot. */
export function listParam(req: SandboxRequest, name: string): string[] {
  return req.query
    .getAll(name)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter(Boolean);
}

export function readOptions(req: SandboxRequest): ReadOptions {
  const properties = listParam(req, "properties");
  return { properties: properties.length ? properties : null, withHistory: listParam(req, "propertiesWithHistory"), associations: listParam(req, "associations") };
}

export function toPublic(meta: ObjectMeta, record: CrmRecord, opts: ReadOptions, data?: HubspotData): Record<string, unknown> {
  const names =
    opts.properties === "all"
      ? Object.keys(record.properties)
      : [...(opts.properties ?? meta.defaults), ...meta.always].filter((n) => n in meta.properties);
  const properties: Record<string, string | null> = {};
  for (const name of [...new Set(names)].sort()) properties[name] = record.properties[name] ?? null;
  const out: Record<string, unknown> = { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: record.archived };
  if (record.archivedAt) out.archivedAt = record.archivedAt;
  if (opts.withHistory.length) {
    const history: Record<string, unknown[]> = {};
    for (const name of opts.withHistory) if (name in meta.properties) history[name] = [...(record.history[name] ?? [])].reverse();
    out.propertiesWithHistory = history;
  }
  if (data && opts.associations.length) {
    const associations: Record<string, unknown> = {};
    for (const requested of opts.associations) {
      const to = resolveType(requested);
      const type = to && defaultType(meta.name, to.name);
      if (!to || !type) continue;
      const ids = associated(data, meta.name, record.id, to.name);
      // HubSpot leaves out association types with nothing associated.
      if (ids.length) associations[requested] = { results: ids.map((id) => ({ id, type: type.name })) };
    }
    if (Object.keys(associations).length) out.associations = associations;
  }
  return out;
}
