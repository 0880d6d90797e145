/**
 * CRM v3 objects API for invoices, contacts and companies: list (cursor paging by id), read,
 * create (with associations), update, archive.
 * https://developers.hubspot.com/docs/api/crm/understanding-the-crm
 * https://developers.hubspot.com/docs/api-reference/crm-invoices-v3/guide
 */
import { z } from "zod";
import { json, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { associate, targetOf } from "./associations";
import { objectNotFound, validation } from "./errors";
import { idValue, intParam, parseBody, propertyValue } from "./input";
import { resolveType, type ObjectMeta } from "./properties";
import { archiveRecord, findRecord, writeRecord } from "./records";
import { seek, type CrmRecord, type HubspotData } from "./state";
import { readOptions, toPublic } from "./wire";

type Ctx = ApiContext<HubspotData>;

const associationInput = z.object({
  to: z.object({ id: idValue }),
  types: z.array(z.object({ associationCategory: z.enum(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]), associationTypeId: z.number().int() })).min(1),
});
const createSchema = z.object({ properties: z.record(z.string(), propertyValue), associations: z.array(associationInput).max(500).optional() });
const updateSchema = z.object({ properties: z.record(z.string(), propertyValue) });

/** "Unable to infer object type from: foo" is HubSpot's answer to an unknown type in the path. */
export function withType(handler: (req: SandboxRequest, ctx: Ctx, meta: ObjectMeta) => SandboxResponse) {
  return (req: SandboxRequest, ctx: Ctx): SandboxResponse => {
    const meta = resolveType(req.params.objectType ?? "");
    return meta ? handler(req, ctx, meta) : validation(`Unable to infer object type from: ${req.params.objectType}`);
  };
}

/** `idProperty=email` reads contacts by email; other unique properties are not modelled. */
function lookup(req: SandboxRequest, ctx: Ctx, meta: ObjectMeta, includeArchived: boolean): { record: CrmRecord } | { response: SandboxResponse } {
  const id = req.params.objectId ?? "";
  const idProperty = req.query.get("idProperty");
  let recordId = id;
  if (idProperty && idProperty !== "hs_object_id") {
    if (meta.name !== "contacts" || idProperty !== "email") return { response: validation(`${idProperty} is not a unique identifier property for ${meta.name}`) };
    recordId = ctx.data.emails[id.toLowerCase()] ?? "";
  }
  const record = findRecord(ctx, meta, recordId, includeArchived);
  return record ? { record } : { response: objectNotFound(id) };
}

function list(req: SandboxRequest, ctx: Ctx, meta: ObjectMeta): SandboxResponse {
  const limit = intParam(req, "limit", 10, 1, 100);
  if (!limit.ok) return limit.response;
  const after = req.query.get("after");
  if (after !== null && !/^\d+$/.test(after)) return validation(`after must be a cursor returned in paging.next.after, got ${after}`);
  const archived = req.query.get("archived") === "true";
  const order = ctx.data.order[meta.name];
  const objects = ctx.data.objects[meta.name];
  const page: CrmRecord[] = [];
  let next: string | null = null;
  for (let i = after === null ? 0 : seek(order, Number(after)); i < order.length; i++) {
    const record = objects[order[i]!];
    if (!record || record.archived !== archived) continue;
    if (page.length === limit.value) {
      next = record.id;
      break;
    }
    page.push(record);
  }
  const options = readOptions(req);
  const body: Record<string, unknown> = { results: page.map((r) => toPublic(meta, r, options, ctx.data)) };
  if (next) {
    const query = new URLSearchParams(req.query);
    query.set("after", next);
    body.paging = { next: { after: next, link: `${baseUrl(ctx)}${req.path}?${query}` } };
  }
  return json(200, body);
}

function baseUrl(ctx: Ctx): string {
  try {
    return ctx.sandbox.url;
  } catch {
    return "https://api.hubapi.com";
  }
}

function create(req: SandboxRequest, ctx: Ctx, meta: ObjectMeta): SandboxResponse {
  const input = parseBody(req, createSchema, `SimplePublicObjectInputForCreate`);
  if (!input.ok) return input.response;
  // Associations are checked before anything is written, so a bad one creates nothing.
  const links: { type: ObjectMeta["name"]; id: string }[] = [];
  for (const a of input.value.associations ?? []) {
    const to = a.types.map((t) => targetOf(meta.name, t.associationTypeId)).find((t) => t !== null);
    if (!to || !findRecord(ctx, resolveType(to)!, a.to.id)) {
      return validation("One or more associations are invalid", { context: { toObjectId: [a.to.id], associationTypeId: a.types.map((t) => String(t.associationTypeId)) } });
    }
    links.push({ type: to, id: a.to.id });
  }
  const written = writeRecord(ctx, meta, null, input.value.properties);
  if (!written.ok) return written.response;
  for (const link of links) associate(ctx.data, meta.name, written.record.id, link.type, link.id);
  return json(201, toPublic(meta, written.record, { properties: "all", withHistory: [], associations: [] }));
}

function update(req: SandboxRequest, ctx: Ctx, meta: ObjectMeta): SandboxResponse {
  const found = lookup(req, ctx, meta, false);
  if ("response" in found) return found.response;
  const input = parseBody(req, updateSchema, "SimplePublicObjectInput");
  if (!input.ok) return input.response;
  const written = writeRecord(ctx, meta, found.record, input.value.properties);
  return written.ok ? json(200, toPublic(meta, written.record, { properties: "all", withHistory: [], associations: [] })) : written.response;
}

export function objectRoutes(api: ApiRoutes<HubspotData>): void {
  api
    .add("GET", "/crm/v3/objects/:objectType", withType(list))
    .add("POST", "/crm/v3/objects/:objectType", withType(create))
    .add(
      "GET",
      "/crm/v3/objects/:objectType/:objectId",
      withType((req, ctx, meta) => {
        const found = lookup(req, ctx, meta, req.query.get("archived") === "true");
        return "response" in found ? found.response : json(200, toPublic(meta, found.record, readOptions(req), ctx.data));
      }),
    )
    .add("PATCH", "/crm/v3/objects/:objectType/:objectId", withType(update))
    .add(
      "DELETE",
      "/crm/v3/objects/:objectType/:objectId",
      withType((req, ctx, meta) => {
        const found = lookup(req, ctx, meta, true);
        if ("response" in found) return found.response;
        if (!found.record.archived) archiveRecord(ctx, meta, found.record);
        return { status: 204 };
      }),
    );
}
