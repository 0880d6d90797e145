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
export type UpsertCounts = { inserted: number; updated: number; unchanged: number };

const ENTITY_TYPE: Record<EntityKind, string> = { invoice: "INVOICE", payment: "PAYMENT", customer: "CUSTOMER" };

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
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const snapshots = rows.map((r) => snapshotOf(r.record));
  const result = await client.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO "ExternalRecord" (id, "workspaceId", "connectionId", "entityType", "externalId", "providerVersion", "providerUpdatedAt",
                                  snapshot, raw, fingerprint, "deletedAt", "fetchedAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${scope.workspaceId}, ${scope.connectionId}, t.entity::"EntityType", t.ext, t.ver, t.upd::timestamptz::timestamp(3),
           t.snap, t.raw, t.fp, CASE WHEN t.del THEN now() END, now(), now(), now()
    FROM unnest(${rows.map((r) => ENTITY_TYPE[r.entity])}::text[], ${rows.map((r) => r.record.externalId)}::text[],
                ${rows.map((r) => r.record.version)}::text[], ${rows.map((r) => r.record.updatedAt.toISOString())}::text[],
                ${snapshots.map((s) => JSON.stringify(s))}::jsonb[], ${rows.map((r) => JSON.stringify(r.record.raw ?? null))}::jsonb[],
                ${snapshots.map((s) => createHash("sha256").update(canonicalJson(s)).digest("hex"))}::text[], ${rows.map((r) => r.record.deleted)}::bool[])
         AS t(entity, ext, ver, upd, snap, raw, fp, del)
    ON CONFLICT ("connectionId", "entityType", "externalId") DO UPDATE SET
      "providerVersion" = EXCLUDED."providerVersion", "providerUpdatedAt" = EXCLUDED."providerUpdatedAt", snapshot = EXCLUDED.snapshot,
      raw = EXCLUDED.raw, fingerprint = EXCLUDED.fingerprint, "deletedAt" = EXCLUDED."deletedAt", "fetchedAt" = now(), "updatedAt" = now()
    WHERE "ExternalRecord"."providerVersion" IS NULL
       OR "ExternalRecord"."providerVersion" < EXCLUDED."providerVersion"
       OR ("ExternalRecord"."providerVersion" = EXCLUDED."providerVersion" AND "ExternalRecord".fingerprint <> EXCLUDED.fingerprint)
    RETURNING (xmax = 0) AS inserted`;
  const inserted = result.filter((r) => r.inserted).length;
  return { inserted, updated: result.length - inserted, unchanged: rows.length - result.length + (batch.length - rows.length) };
}
