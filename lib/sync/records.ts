/**
 * Provider records into ExternalRecord, a batch per statement: keyed by (connection, type,
 * external id); a record replaces the stored one only when its version is higher (or equal with
 * different content, for providers whose versions have one-second resolution), so an older
 * payload never overwrites a newer one and a re-run changes nothing.
 */
import { createHash } from "node:crypto";
import { db, type DbOrTx } from "../db";
import type { EntityKind, ExternalCustomer, ExternalInvoice, ExternalPayment } from "../connectors/types";
import { canonicalJson } from "../audit/record";

export type AnyRecord = ExternalInvoice | ExternalPayment | ExternalCustomer;
export type Tagged = { entity: EntityKind; record: AnyRecord };
/** `changedIds`: the rows inserted or updated, which ingest then links into the canonical picture. */
export type UpsertCounts = { inserted: number; updated: number; unchanged: number; changedIds: string[] };

const ENTITY_TYPE: Record<EntityKind, string> = { invoice: "INVOICE", payment: "PAYMENT", customer: "CUSTOMER" };

/**
 * The content of a snapshot, without the stamps (version, updatedAt) that move when nothing else
 * did: a record fetched again unchanged is recognized as unchanged.
 */
export function fingerprintOf(snapshot: Record<string, unknown>): string {
  const { version: _version, updatedAt: _updatedAt, ...content } = snapshot;
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/** The record without its raw payload, bigints as decimal strings: what Concord compares. */
export function snapshotOf(record: AnyRecord): Record<string, unknown> {
  const { raw: _raw, ...rest } = record;
  return JSON.parse(JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as Record<string, unknown>;
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
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0, changedIds: [] };
  const snapshots = rows.map((r) => snapshotOf(r.record));
  const keys = { types: rows.map((r) => ENTITY_TYPE[r.entity]), ids: rows.map((r) => r.record.externalId) };
  // One JSON document for the batch: the payloads travel as they are, without array-literal escaping (4 KB Stripe invoices add up).
  const batchJson = JSON.stringify(
    rows.map((r, i) => ({ entity: keys.types[i], ext: keys.ids[i], ver: r.record.version, upd: r.record.updatedAt.toISOString(), snap: snapshots[i], raw: r.record.raw ?? null, fp: fingerprintOf(snapshots[i]!), del: r.record.deleted })),
  );
  // `before` is read in the statement's own snapshot: the fingerprints as they were, to tell a real change from a newer stamp on the same content.
  const result = await client.$queryRaw<{ id: string; inserted: boolean; changed: boolean }[]>`
    WITH before AS (
      SELECT er.id, er.fingerprint FROM "ExternalRecord" er
      JOIN unnest(${keys.types}::text[], ${keys.ids}::text[]) AS k(entity, ext) ON er."entityType" = k.entity::"EntityType" AND er."externalId" = k.ext
      WHERE er."connectionId" = ${scope.connectionId}
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
    RETURNING id, (xmax = 0) AS inserted,
              "ExternalRecord".fingerprint IS DISTINCT FROM (SELECT b.fingerprint FROM before b WHERE b.id = "ExternalRecord".id) AS changed`;
  const changed = result.filter((r) => r.changed);
  const inserted = changed.filter((r) => r.inserted).length;
  return { inserted, updated: changed.length - inserted, unchanged: batch.length - changed.length, changedIds: changed.map((r) => r.id) };
}
