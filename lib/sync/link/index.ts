/**
 * Ingest into the canonical picture: the records a pull or webhook just stored become canonical
 * customers, invoices and payments. One transaction per batch, serialized per workspace (two
 * connections pulling at once must not both start the same invoice), a few statements whatever
 * the batch size. Re-running it on the same records changes nothing.
 */
import { db, type Db } from "../../db";
import { linkCustomers } from "./customers";
import { linkInvoices } from "./invoices";
import { linkPayments } from "./payments";
import { loadRecords, type LoadedRecord } from "./records";
import { syncRulesFor } from "../rules";
import type { Prisma } from "../../db/generated/client";
import type { ProviderName } from "../canonical";
import type { ChangedRecord } from "../records";
import { recomputeInvoices } from "./recompute";

export type IngestCounts = { customersCreated: number; invoicesCreated: number; invoicesLinked: number; invoicesChanged: number; paymentsCreated: number; conflictsOpened: number };
/** `invoiceIds`: the invoices that started, changed or got a payment: what reconciliation looks at next. */
export type IngestSummary = IngestCounts & { invoiceIds: string[] };

export const EMPTY_INGEST: IngestSummary = { customersCreated: 0, invoicesCreated: 0, invoicesLinked: 0, invoicesChanged: 0, paymentsCreated: 0, conflictsOpened: 0, invoiceIds: [] };

/**
 * `markDue`: the changes must reach the other systems (a webhook, an incremental pull, a push's
 * answer), so the touched invoices are marked due for the sync engine in the same transaction.
 * A backfill leaves it off: history is not pushed into other systems on connect.
 */
export type IngestOptions = { markDue?: boolean; client?: Db };

/** Links the stored records `recordIds` (read back from the database). */
export async function ingestRecords(workspaceId: string, recordIds: string[], options: IngestOptions = {}): Promise<IngestSummary> {
  if (recordIds.length === 0) return EMPTY_INGEST;
  return ingest(workspaceId, (tx) => loadRecords(tx, workspaceId, recordIds), options);
}

/** Links records a pull just stored, as upsertRecords returned them: no need to read them back. */
export async function ingestStored(workspaceId: string, connection: { id: string; provider: ProviderName }, changed: ChangedRecord[], options: IngestOptions = {}): Promise<IngestSummary> {
  if (changed.length === 0) return EMPTY_INGEST;
  const records: LoadedRecord[] = changed.map((r) => ({ ...r, connectionId: connection.id, provider: connection.provider }));
  // The same stable order loadRecords gives, so decisions do not depend on how a page was sorted.
  records.sort((a, b) => (a.entityType < b.entityType ? -1 : a.entityType > b.entityType ? 1 : a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  return ingest(workspaceId, async () => records, options);
}

async function ingest(workspaceId: string, load: (tx: Prisma.TransactionClient) => Promise<LoadedRecord[]>, { markDue = false, client = db() }: IngestOptions): Promise<IngestSummary> {
  return client.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ingest:${workspaceId}`}))`;
      const records = await load(tx);
      const customersCreated = await linkCustomers(tx, workspaceId, records);
      const rules = await syncRulesFor(workspaceId, tx);
      const invoices = await linkInvoices(tx, workspaceId, records, rules);
      const payments = await linkPayments(tx, workspaceId, records);
      const changed = await recomputeInvoices(tx, workspaceId, [...invoices.touched], rules);
      const invoiceIds = [...new Set([...invoices.started, ...changed, ...payments.invoiceIds])].sort();
      if (markDue && invoiceIds.length > 0) {
        await tx.$executeRaw`UPDATE "Invoice" SET "syncDueAt" = (clock_timestamp() AT TIME ZONE 'UTC') WHERE "workspaceId" = ${workspaceId} AND id = ANY(${invoiceIds}::text[])`;
      }
      return {
        customersCreated,
        invoicesCreated: invoices.created,
        invoicesLinked: invoices.linked,
        invoicesChanged: changed.length,
        paymentsCreated: payments.created,
        conflictsOpened: invoices.conflicts,
        invoiceIds,
      };
    },
    { timeout: 120_000, maxWait: 120_000 },
  );
}

export function addIngest(a: IngestSummary, b: IngestSummary): IngestSummary {
  const counts = Object.fromEntries((Object.keys(EMPTY_INGEST) as (keyof IngestSummary)[]).filter((k) => k !== "invoiceIds").map((k) => [k, (a[k] as number) + (b[k] as number)]));
  return { ...(counts as IngestCounts), invoiceIds: b.invoiceIds.length === 0 ? a.invoiceIds : [...new Set([...a.invoiceIds, ...b.invoiceIds])] };
}
