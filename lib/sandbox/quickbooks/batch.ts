/**
 * POST /batch: up to 30 BatchItemRequest objects (create, update, delete or a Query), each
 * answered in a BatchItemResponse with the same bId: the entity, a QueryResponse, or its own
 * Fault while the other items still run.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/batch
 */
import { faults, QboFault } from "./errors";
import { operationOf, query, write } from "./operations";
import type { QuerySource } from "./query-run";
import type { WriteContext } from "./store";
import { ENTITIES, type EntityName } from "./types";

export const MAX_BATCH_ITEMS = 30;
type Item = Record<string, unknown>;

export function runBatch(ctx: WriteContext, source: QuerySource, body: unknown): Record<string, unknown>[] {
  const items = (body as { BatchItemRequest?: unknown } | null)?.BatchItemRequest;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw faults.invalidProperty("BatchItemRequest (the body must be an object)");
  if (!Array.isArray(items) || items.length === 0) throw faults.required("BatchItemRequest");
  if (items.length > MAX_BATCH_ITEMS) {
    throw faults.business(`The maximum number of payloads in a single batch request is ${MAX_BATCH_ITEMS}; this request has ${items.length}.`);
  }
  const seen = new Set<string>();
  for (const item of items) {
    const bId = (item as Item | null)?.bId;
    if (typeof bId !== "string" || !bId) throw faults.required("BatchItemRequest.bId");
    if (seen.has(bId)) throw faults.invalidProperty(`bId (${bId} is used twice)`, "bId");
    seen.add(bId);
  }
  return (items as Item[]).map((item) => {
    const bId = item.bId as string;
    try {
      return { bId, ...runItem(ctx, source, item) };
    } catch (error) {
      if (error instanceof QboFault) return { bId, ...error.body() };
      throw error;
    }
  });
}

function runItem(ctx: WriteContext, source: QuerySource, item: Item): Record<string, unknown> {
  const { bId: _bId, operation, Query, optionsData: _options, ...payload } = item;
  if (Query !== undefined) {
    if (typeof Query !== "string") throw faults.invalidProperty("Query", "Query");
    return { QueryResponse: query(source, Query) };
  }
  const names = Object.keys(payload);
  const entity = ENTITIES.find((e) => e === names[0]);
  if (names.length !== 1) throw faults.required("an entity or a Query");
  if (!entity) throw faults.unsupported(`${String(operation ?? "create")} on ${names[0]}`);
  if (operation === undefined) throw faults.required("operation");
  const op = operationOf(String(operation), null, payload[entity]);
  return { [entity]: write(ctx, entity as EntityName, op, payload[entity]) };
}
