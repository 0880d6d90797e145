/** Loading external records (with their connection's provider) for linking, a batch per query. */
import type { Prisma } from "../../db/generated/client";
import type { ProviderName } from "../canonical";

export type LoadedRecord = {
  id: string;
  connectionId: string;
  provider: ProviderName;
  entityType: "INVOICE" | "PAYMENT" | "CUSTOMER";
  externalId: string;
  snapshot: Record<string, unknown>;
  invoiceId: string | null;
  paymentId: string | null;
  customerId: string | null;
};

/** The records by id, in a stable order (connection, type, external id) so decisions are deterministic. */
export async function loadRecords(tx: Prisma.TransactionClient, workspaceId: string, ids: string[]): Promise<LoadedRecord[]> {
  if (ids.length === 0) return [];
  return tx.$queryRaw<LoadedRecord[]>`
    SELECT er.id, er."connectionId", c.provider::text AS provider, er."entityType"::text AS "entityType", er."externalId",
           er.snapshot, er."invoiceId", er."paymentId", er."customerId"
    FROM "ExternalRecord" er JOIN "Connection" c ON c.id = er."connectionId"
    WHERE er."workspaceId" = ${workspaceId} AND er.id = ANY(${ids}::text[])
    ORDER BY er."connectionId", er."entityType", er."externalId"`;
}

/**
 * What a connection's own ids point at: (connection, external id) of a customer or invoice record
 * to the canonical id it is linked to (and, for customers, the canonical customer's name).
 */
export async function linkedIds(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  entityType: "CUSTOMER" | "INVOICE",
  keys: { connectionId: string; externalId: string }[],
): Promise<Map<string, { canonicalId: string | null; label: string | null }>> {
  const result = new Map<string, { canonicalId: string | null; label: string | null }>();
  if (keys.length === 0) return result;
  const rows = await tx.$queryRaw<{ connectionId: string; externalId: string; canonicalId: string | null; label: string | null }[]>`
    SELECT er."connectionId", er."externalId",
           CASE WHEN er."entityType" = 'CUSTOMER' THEN er."customerId" ELSE er."invoiceId" END AS "canonicalId",
           cu.name AS label
    FROM unnest(${keys.map((k) => k.connectionId)}::text[], ${keys.map((k) => k.externalId)}::text[]) AS t(cid, ext)
    -- LATERAL: one lookup on the (connection, type, external id) key each, whatever the statistics say mid-backfill.
    CROSS JOIN LATERAL (
      SELECT x."connectionId", x."externalId", x."entityType", x."customerId", x."invoiceId" FROM "ExternalRecord" x
      WHERE x."connectionId" = t.cid AND x."entityType" = ${entityType}::"EntityType" AND x."externalId" = t.ext AND x."workspaceId" = ${workspaceId}
    ) er
    LEFT JOIN "Customer" cu ON er."entityType" = 'CUSTOMER' AND cu.id = er."customerId"`;
  for (const row of rows) result.set(`${row.connectionId}:${row.externalId}`, { canonicalId: row.canonicalId, label: row.label });
  return result;
}
