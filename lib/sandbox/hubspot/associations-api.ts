/**
 * Association endpoints: v4 default create / list / remove, v4 batch read (the associations of
 * many records in one call, which search results don't carry), and the v3 list
 * (`GET /crm/v3/objects/{type}/{id}/associations/{toType}`) the invoices guide documents.
 * https://developers.hubspot.com/docs/api/crm/associations/v4
 */
import { z } from "zod";
import { json, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { associate, associated, defaultType, dissociate } from "./associations";
import { objectNotFound, validation } from "./errors";
import { idValue, intParam, parseBody } from "./input";
import { resolveType, type ObjectMeta } from "./properties";
import { findRecord } from "./records";
import type { HubspotData } from "./state";

type Ctx = ApiContext<HubspotData>;

const batchReadSchema = z.object({ inputs: z.array(z.object({ id: idValue, after: z.string().optional() })).max(1000) });
type Resolved = { from: ObjectMeta; to: ObjectMeta; typeId: number; name: string; fromId: string };

function resolve(req: SandboxRequest, ctx: Ctx, fromParam: string, toParam: string, idParam: string): Resolved | SandboxResponse {
  const from = resolveType(req.params[fromParam] ?? "");
  const to = resolveType(req.params[toParam] ?? "");
  if (!from) return validation(`Unable to infer object type from: ${req.params[fromParam]}`);
  if (!to) return validation(`Unable to infer object type from: ${req.params[toParam]}`);
  const type = defaultType(from.name, to.name);
  if (!type) return validation(`No default association type exists between ${from.name} and ${to.name}`);
  const fromId = req.params[idParam] ?? "";
  if (!findRecord(ctx, from, fromId)) return objectNotFound(fromId);
  return { from, to, ...type, fromId };
}

/** Cursor paging over associated ids by position. */
function page(req: SandboxRequest, ids: string[]): { slice: string[]; next: string | null } | SandboxResponse {
  const limit = intParam(req, "limit", 500, 1, 500);
  if (!limit.ok) return limit.response;
  const start = Number(req.query.get("after") ?? 0) || 0;
  const end = start + limit.value;
  return { slice: ids.slice(start, end), next: end < ids.length ? String(end) : null };
}

export function associationRoutes(api: ApiRoutes<HubspotData>): void {
  api
    .add("PUT", "/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId", (req, ctx) => {
      const r = resolve(req, ctx, "fromObjectType", "toObjectType", "fromObjectId");
      if ("status" in r) return r;
      const toId = req.params.toObjectId ?? "";
      if (!findRecord(ctx, r.to, toId)) return objectNotFound(toId);
      associate(ctx.data, r.from.name, r.fromId, r.to.name, toId);
      const now = new Date(ctx.sandbox.clock.now()).toISOString();
      const back = defaultType(r.to.name, r.from.name)!;
      return json(200, {
        status: "COMPLETE",
        results: [
          { from: { id: r.fromId }, to: { id: toId }, associationSpec: { associationCategory: "HUBSPOT_DEFINED", associationTypeId: r.typeId } },
          { from: { id: toId }, to: { id: r.fromId }, associationSpec: { associationCategory: "HUBSPOT_DEFINED", associationTypeId: back.typeId } },
        ],
        startedAt: now,
        completedAt: now,
      });
    })
    .add("GET", "/crm/v4/objects/:objectType/:objectId/associations/:toObjectType", (req, ctx) => {
      const r = resolve(req, ctx, "objectType", "toObjectType", "objectId");
      if ("status" in r) return r;
      const p = page(req, associated(ctx.data, r.from.name, r.fromId, r.to.name));
      if ("status" in p) return p;
      const results = p.slice.map((id) => ({ toObjectId: Number(id), associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: r.typeId, label: null }] }));
      return json(200, { results, ...(p.next ? { paging: { next: { after: p.next } } } : {}) });
    })
    .add("DELETE", "/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId", (req, ctx) => {
      const r = resolve(req, ctx, "objectType", "toObjectType", "objectId");
      if ("status" in r) return r;
      dissociate(ctx.data, r.from.name, r.fromId, r.to.name, req.params.toObjectId ?? "");
      return { status: 204 };
    })
    .add("POST", "/crm/v4/associations/:fromObjectType/:toObjectType/batch/read", (req, ctx) => {
      const from = resolveType(req.params.fromObjectType ?? "");
      const to = resolveType(req.params.toObjectType ?? "");
      if (!from || !to) return validation(`Unable to infer object type from: ${from ? req.params.toObjectType : req.params.fromObjectType}`);
      const type = defaultType(from.name, to.name);
      if (!type) return validation(`No default association type exists between ${from.name} and ${to.name}`);
      const input = parseBody(req, batchReadSchema, "BatchInputPublicFetchAssociationsBatchRequest");
      if (!input.ok) return input.response;
      const results: unknown[] = [];
      const errors: unknown[] = [];
      for (const { id } of input.value.inputs) {
        const ids = findRecord(ctx, from, id) ? associated(ctx.data, from.name, id, to.name) : [];
        // HubSpot reports a record with nothing associated (or no such record) as a per-input error, answering 207.
        if (ids.length === 0) {
          errors.push({
            status: "error",
            category: "OBJECT_NOT_FOUND",
            subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
            context: { fromObjectId: [id] },
            message: `No ${to.singular} is associated with ${from.singular} ${id}.`,
            errors: [],
            links: {},
          });
          continue;
        }
        results.push({ from: { id }, to: ids.map((toId) => ({ toObjectId: Number(toId), associationTypes: [{ category: "HUBSPOT_DEFINED", typeId: type.typeId, label: null }] })) });
      }
      const now = new Date(ctx.sandbox.clock.now()).toISOString();
      const body = { status: "COMPLETE", results, ...(errors.length ? { numErrors: errors.length, errors } : {}), startedAt: now, completedAt: now };
      return json(errors.length ? 207 : 200, body);
    })
    .add("GET", "/crm/v3/objects/:objectType/:objectId/associations/:toObjectType", (req, ctx) => {
      const r = resolve(req, ctx, "objectType", "toObjectType", "objectId");
      if ("status" in r) return r;
      const p = page(req, associated(ctx.data, r.from.name, r.fromId, r.to.name));
      if ("status" in p) return p;
      return json(200, { results: p.slice.map((id) => ({ id, type: r.name })), ...(p.next ? { paging: { next: { after: p.next } } } : {}) });
    });
}
