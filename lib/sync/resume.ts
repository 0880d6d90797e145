/**
 * Resuming after Reconnect: invoices whose pushes waited for a connection that needed
 * reconnecting were parked (their `syncDueAt` moved an hour out, lib/sync/propagate/reconcile.ts).
 * Once the connection is back, they are due now and handed to the sync engine.
 */
import { db } from "../db";
import { enqueue } from "../jobs";

const BATCH = 500;

/** Answers how many invoices were handed back to the sync engine. */
export async function resumeParkedInvoices(workspaceId: string): Promise<number> {
  const parked = await db().$queryRaw<{ id: string }[]>`
    UPDATE "Invoice" SET "syncDueAt" = (now() AT TIME ZONE 'UTC')
    WHERE "workspaceId" = ${workspaceId} AND "syncDueAt" > (now() AT TIME ZONE 'UTC')
    RETURNING id`;
  for (let i = 0; i < parked.length; i += BATCH) {
    await enqueue(parked.slice(i, i + BATCH).map(({ id }) => ({ name: "concord/invoice.changed", data: { invoiceId: id } })));
  }
  return parked.length;
}
