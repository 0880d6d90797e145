/**
 * Provider records into ExternalRecord, a batch per statement: keyed by (connection, type,
 * external id); a record replaces the stored one only when its version is higher (or equal with
 * different content, for providers whose versions have one-second resolution), so an older
 * payload never overwrites a newer one and a re-run changes nothing.
 */
import { createHash } from "node:crypto";
import { db, type DbOrTx } from "../db";
import type { EntityKind, ExternalCustomer, ExternalInvoice, ExternalPayment } from "../connectors/types";

export type AnyRecord = ExternalInvoice | ExternalPayment | ExternalCustomer;
export type Tagged = { entity: EntityKind; record: AnyRecord };
/** A stored record whose content changed, with its links as stored: what ingest takes, without reading it back. */
export type ChangedRecord = {
  id: string;
  entityType: "INVOICE" | "PAYMENT" | "CUSTOMER";
  externalId: string;
  snapshot: Record<string, unknown>;
  invoiceId: string | null;
  paymentId: string | null;
  customerId: string | null;
};

/** `changed`: the rows inserted or updated, which ingest then links into the canonical picture. */
export type UpsertCounts = { inserted: number; updated: number; unchanged: number; changedIds: string[]; changed: ChangedRecord[] };

const ENTITY_TYPE: Record<EntityKind, string> = { invoice: "INVOICE", payment: "PAYMENT", customer: "CUSTOMER" };

/**
 * The content of a snapshot, without the stamps (version, updatedAt) that move when nothing else
 * did: a record fetched again unchanged is recognized as unchanged. Snapshots come from the
 * mappers, which build their keys in one fixed order, so plain JSON is a stable serialization.
 */
export function fingerprintOf(snapshot: Record<string, unknown>): string {
  const { version: _version, updatedAt: _updatedAt, ...content } = snapshot;
  return createHash("sha256").update(JSON.stringify(content)).digest("hex");
}

/** JSON-ready: bigints as decimal strings, dates as ISO strings, undefined dropped. */
function plain(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

/** The record without its raw payload, bigints as decimal strings: what Concord compares. */
export function snapshotOf(record: AnyRecord): Record<string, unknown> {
  const { raw: _raw, ...rest } = record;
  return plain(rest) as Record<string, unknown>;
}

export async function upsertRecords(scope: { workspaceId: string; connectionId: string }, batch: Tagged[], client: DbOrTx = db()): Promise<UpsertCounts> {
  // One row per key, the highest version winning: a statement may not update a row twice.
  const latest = new Map<string, Tagged>();
  for (const item of batch) {
    const key = `${item.entity}:${item.record.externalId}`;
    const seen = latest.get(key);
    if (!seen || seen.record.version <= item.record.version) latest.set(key, item);
  }
  const rows = [...latest.values()];
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedIds: [], changed: [] };
  const snapshots = rows.map((r) => snapshotOf(r.record));
  const keys = { types: rows.map((r) => ENTITY_TYPE[r.entity]), ids: rows.map((r) => r.record.externalId) };
  // One JSON document for the batch: the payloads travel as they are, without array-literal escaping (4 KB Stripe invoices add up).
  const batchJson = JSON.stringify(
    rows.map((r, i) => ({ entity: keys.types[i], ext: keys.ids[i], ver: r.record.version, upd: r.record.updatedAt.toISOString(), snap: snapshots[i], raw: r.record.raw ?? null, fp: fingerprintOf(snapshots[i]!), del: r.record.deleted })),
  );
  // `before` is read in the statement's own snapshot: the fingerprints as they were, to tell a real change from a newer stamp on the same content.
  const result = await client.$queryRaw<{ id: string; entityType: ChangedRecord["entityType"]; externalId: string; invoiceId: string | null; paymentId: string | null; customerId: string | null; inserted: boolean; changed: boolean }[]>`
    WITH before AS (
      SELECT er.id, er.fingerprint FROM unnest(${keys.types}::text[], ${keys.ids}::text[]) AS k(entity, ext)
      CROSS JOIN LATERAL (
        SELECT id, fingerprint FROM "ExternalRecord"
        WHERE "connectionId" = ${scope.connectionId} AND "entityType" = k.entity::"EntityType" AND "externalId" = k.ext
      ) er
    )
    INSERT INTO "ExternalRecord" (id, "workspaceId", "connectionId", "entityType", "externalId", "providerVersion", "providerUpdatedAt",
                                  snapshot, raw, fingerprint, "deletedAt", "fetchedAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${scope.workspaceId}, ${scope.connectionId}, t.entity::"EntityType", t.ext, t.ver, t.upd::timestamptz::timestamp(3),
           t.snap, t.raw::text, t.fp, CASE WHEN t.del THEN now() END, now(), now(), now()
    FROM json_to_recordset(${batchJson}::json) AS t(entity text, ext text, ver text, upd text, snap jsonb, raw json, fp text, del bool)
    ON CONFLICT ("connectionId", "entityType", "externalId") DO UPDATE SET
      "providerVersion" = EXCLUDED."providerVersion", "providerUpdatedAt" = EXCLUDED."providerUpdatedAt", snapshot = EXCLUDED.snapshot,
      raw = EXCLUDED.raw, fingerprint = EXCLUDED.fingerprint, "deletedAt" = EXCLUDED."deletedAt", "fetchedAt" = now(), "updatedAt" = now()
    WHERE "ExternalRecord"."providerVersion" IS NULL
       OR "ExternalRecord"."providerVersion" < EXCLUDED."providerVersion"
       OR ("ExternalRecord"."providerVersion" = EXCLUDED."providerVersion" AND "ExternalRecord".fingerprint <> EXCLUDED.fingerprint)
    RETURNING id, "entityType"::text AS "entityType", "externalId", "invoiceId", "paymentId", "customerId", (xmax = 0) AS inserted,
              "ExternalRecord".fingerprint IS DISTINCT FROM (SELECT b.fingerprint FROM before b WHERE b.id = "ExternalRecord".id) AS changed`;
  const changed = result.filter((r) => r.changed);
  const inserted = changed.filter((r) => r.inserted).length;
  const snapshotByKey = new Map(rows.map((r, i) => [`${keys.types[i]}:${r.record.externalId}`, snapshots[i]!]));
  return {
    inserted,
    updated: changed.length - inserted,
    unchanged: batch.length - changed.length,
    changedIds: changed.map((r) => r.id),
    changed: changed.map(({ inserted: _i, changed: _c, ...r }) => ({ ...r, snapshot: snapshotByKey.get(`${r.entityType}:${r.externalId}`)! })),
  };
}
