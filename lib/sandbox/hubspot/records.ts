/**
 * Writes to CRM records, as HubSpot applies them: every property checked (unknown, read-only,
 * wrong type → one VALIDATION_ERROR listing them all), "" clears, timestamps and hs_object_id set
 * by the server, invoice money recomputed, contact emails unique, history kept per property,
 * and a webhook sent for the change.
 */
import type { SandboxResponse } from "../core/http";
import type { ApiContext } from "../core/sandbox";
import { hubspotError, propertyErrors, type PropertyError } from "./errors";
import { deriveInvoice } from "./invoice";
import { instant, normalize, type ObjectMeta } from "./properties";
import { allocateId, insert, type CrmRecord, type HubspotData } from "./state";
import { emitChange } from "./webhooks";

type Ctx = ApiContext<HubspotData>;
export type WriteResult = { ok: true; record: CrmRecord } | { ok: false; response: SandboxResponse };

const HISTORY_LIMIT = 20;

export function findRecord(ctx: Ctx, meta: ObjectMeta, id: string, includeArchived = false): CrmRecord | null {
  const record = ctx.data.objects[meta.name][id];
  return record && (includeArchived || !record.archived) ? record : null;
}

/** Creates (existing = null) or updates a record from raw string property values. */
export function writeRecord(ctx: Ctx, meta: ObjectMeta, existing: CrmRecord | null, input: Record<string, string>): WriteResult {
  const errors: PropertyError[] = [];
  const updates: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const def = meta.properties[name];
    if (!def) errors.push({ name, error: "PROPERTY_DOESNT_EXIST", message: `Property "${name}" does not exist` });
    else if (def.readOnly) errors.push({ name, error: "READ_ONLY_VALUE", message: `${name} is a read only property; its value cannot be set.` });
    else {
      const checked = normalize(name, def, raw);
      if (checked.ok) updates[name] = checked.value;
      else errors.push({ name, error: checked.error, message: checked.message });
    }
  }
  const before = existing?.properties ?? {};
  const props = { ...before };
  for (const [name, value] of Object.entries(updates)) {
    if (value === "") delete props[name];
    else props[name] = value;
  }
  for (const name of meta.required) if (!props[name]) errors.push({ name, error: "REQUIRED", message: `${name} is required` });
  const now = ctx.sandbox.clock.now();
  if (!errors.length && meta.name === "invoices") errors.push(...deriveInvoice(props, new Set(Object.keys(updates)), now));
  if (errors.length) return { ok: false, response: propertyErrors(errors, ctx.account.id) };

  const email = props.email?.toLowerCase();
  if (meta.name === "contacts" && email) {
    const owner = ctx.data.emails[email];
    if (owner && owner !== existing?.id) return { ok: false, response: hubspotError(409, "CONFLICT", `Contact already exists. Existing ID: ${owner}`) };
  }

  const id = existing?.id ?? allocateId(ctx.data, meta.name);
  const stamp = instant(now);
  if (!existing) {
    props[meta.created] = stamp;
    props.hs_object_id = id;
  }
  const changed = [...new Set([...Object.keys(before), ...Object.keys(props)])].filter((name) => before[name] !== props[name]);
  if (existing && changed.length === 0) return { ok: true, record: existing };
  for (const name of meta.modified) props[name] = stamp;

  const record: CrmRecord = existing ?? { id, properties: {}, history: {}, createdAt: stamp, updatedAt: stamp, archived: false };
  for (const name of changed) {
    const history = (record.history[name] ??= []);
    history.push({ value: props[name] ?? "", timestamp: stamp, sourceType: "API" });
    if (history.length > HISTORY_LIMIT) history.shift();
  }
  if (meta.name === "contacts") {
    const previous = before.email?.toLowerCase();
    if (previous && previous !== email) delete ctx.data.emails[previous];
    if (email) ctx.data.emails[email] = id;
  }
  record.properties = props;
  record.updatedAt = stamp;
  if (existing) {
    emitChange(ctx, meta, "propertyChange", id, changed.map((name) => [name, props[name] ?? null]));
  } else {
    insert(ctx.data, meta.name, record);
    emitChange(ctx, meta, "creation", id);
  }
  return { ok: true, record };
}

/** DELETE moves a record to the recycling bin: gone from reads, lists and search. */
export function archiveRecord(ctx: Ctx, meta: ObjectMeta, record: CrmRecord): void {
  const stamp = instant(ctx.sandbox.clock.now());
  record.archived = true;
  record.archivedAt = stamp;
  record.updatedAt = stamp;
  const email = record.properties.email?.toLowerCase();
  if (meta.name === "contacts" && email && ctx.data.emails[email] === record.id) delete ctx.data.emails[email];
  emitChange(ctx, meta, "deletion", record.id);
}
