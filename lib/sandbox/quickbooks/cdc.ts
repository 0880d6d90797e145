/**
 * Change data capture: every entity of the requested types changed since `changedSince`
 * (at most 30 days back), full objects grouped by type in order of LastUpdatedTime, deleted
 * ones after them as `{ status: "Deleted", domain, Id, MetaData }`, 1000 objects at most.
 * LastUpdatedTime has second precision, so changes in the same second as `changedSince` are
 * included: a client may see one twice, never miss one.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/changedatacapture
 */
import { faults } from "./errors";
import { CDC_WINDOW_MS } from "./store";
import { parseDateTime } from "./time";
import { ENTITIES, tableOf, type EntityName, type QuickbooksData } from "./types";

const MAX_OBJECTS = 1000;
const KNOWN = new Set(
  "account bill billpayment budget class creditmemo currency customer department deposit employee estimate invoice item journalentry payment paymentmethod preferences purchase purchaseorder refundreceipt salesreceipt term transfer vendor vendorcredit".split(" "),
);

export function changeDataCapture(data: QuickbooksData, params: URLSearchParams, now: number): Record<string, unknown>[] {
  const entitiesParam = params.get("entities");
  const sinceParam = params.get("changedSince");
  if (!entitiesParam?.trim()) throw faults.required("entities");
  if (!sinceParam?.trim()) throw faults.required("changedSince");
  const since = parseDateTime(sinceParam);
  if (since === null) throw faults.invalidProperty(`changedSince (${sinceParam})`, "changedSince");
  if (since < now - CDC_WINDOW_MS) throw faults.unsupported(`cdc with changedSince date ${sinceParam} which is older than fixed days`);
  const floor = Math.floor(since / 1000) * 1000;

  let budget = MAX_OBJECTS;
  return entitiesParam.split(",").map((raw) => {
    const name = raw.trim();
    if (!KNOWN.has(name.toLowerCase())) throw faults.invalidProperty(`entities (${name})`, "entities");
    const entity = ENTITIES.find((e) => e.toLowerCase() === name.toLowerCase());
    if (!entity || budget === 0) return {};
    const changes = changed(data, entity, floor).slice(0, budget);
    budget -= changes.length;
    return changes.length ? { [entity]: changes, startPosition: 1, maxResults: changes.length, totalCount: changes.length } : {};
  });
}

function changed(data: QuickbooksData, entity: EntityName, floor: number): unknown[] {
  const live = Object.values(tableOf(data, entity))
    .map((row) => ({ row, at: Date.parse(row.MetaData.LastUpdatedTime) }))
    .filter((r) => r.at >= floor)
    .sort((a, b) => a.at - b.at || Number(a.row.Id) - Number(b.row.Id))
    .map((r) => r.row as unknown);
  const deleted = data.deleted
    .filter((t) => t.entity === entity && Date.parse(t.LastUpdatedTime) >= floor)
    .map((t) => ({ status: "Deleted", domain: "QBO", Id: t.Id, MetaData: { LastUpdatedTime: t.LastUpdatedTime } }));
  return [...live, ...deleted];
}
