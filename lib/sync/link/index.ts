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
import { loadRecords } from "./records";
import { recomputeInvoices } from "./recompute";

export type IngestSummary = { customersCreated: number; invoicesCreated: number; invoicesLinked: number; invoicesChanged: number; paymentsCreated: number; conflictsOpened: number };

export const EMPTY_INGEST: IngestSummary = { customersCreated: 0, invoicesCreated: 0, invoicesLinked: 0, invoicesChanged: 0, paymentsCreated: 0, conflictsOpened: 0 };

export async function ingestRecords(workspaceId: string, recordIds: string[], client: Db = db()): Promise<IngestSummary> {
  if (recordIds.length === 0) return EMPTY_INGEST;
  return client.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ingest:${workspaceId}`}))`;
      const records = await loadRecords(tx, workspaceId, recordIds);
      const customersCreated = await linkCustomers(tx, workspaceId, records);
      const invoices = await linkInvoices(tx, workspaceId, records);
      const paymentsCreated = await linkPayments(tx, workspaceId, records);
      const changed = await recomputeInvoices(tx, workspaceId, [...invoices.touched]);
      return {
        customersCreated,
        invoicesCreated: invoices.created,
        invoicesLinked: invoices.linked,
        invoicesChanged: changed.length,
        paymentsCreated,
        conflictsOpened: invoices.conflicts,
      };
    },
    { timeout: 120_000, maxWait: 120_000 },
  );
}

export function addIngest(a: IngestSummary, b: IngestSummary): IngestSummary {
  return Object.fromEntries(Object.keys(a).map((k) => [k, a[k as keyof IngestSummary] + b[k as keyof IngestSummary]])) as IngestSummary;
}
