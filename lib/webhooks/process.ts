/**
 * Processing a stored webhook delivery: a webhook is a hint, so each record it names is fetched
 * fresh from the provider, stored with the usual version check (a duplicate or late delivery can
 * never bring back an older state) and linked into the canonical picture. A delivery is processed
 * once: a second call finds it PROCESSED and does nothing. Failures are recorded on the delivery
 * (attempts, last error) and thrown, for the caller's retries.
 */
import { db } from "../db";
import { connectorFor } from "../connectors";
import type { AnyRecord } from "../sync/records";
import { upsertRecords } from "../sync/records";
import { ingestStored, EMPTY_INGEST, addIngest, type IngestSummary } from "../sync/link";
import type { EntityKind, ProviderClient, ProviderId } from "../connectors/types";
import { accessToken } from "../connections/tokens";
import type { ProviderName } from "../sync/canonical";

type Hint = { entity: EntityKind; externalId: string; deleted: boolean };

export type DeliveryOutcome = { status: "PROCESSED" | "IGNORED" | "ALREADY_DONE"; fetched: number; ingest: IngestSummary; invoiceIds: string[] };

const FETCH: Record<EntityKind, (client: ProviderClient, id: string) => Promise<AnyRecord | null>> = {
  invoice: (c, id) => c.getInvoice(id),
  payment: (c, id) => c.getPayment(id),
  customer: (c, id) => c.getCustomer(id),
};

export async function processDelivery(deliveryId: string): Promise<DeliveryOutcome> {
  const delivery = await db().webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: { id: true, status: true, hints: true, workspaceId: true, connection: { select: { id: true, provider: true, status: true, externalAccountId: true } } },
  });
  if (!delivery) throw new Error(`No webhook delivery ${deliveryId}`);
  if (delivery.status === "PROCESSED" || delivery.status === "IGNORED") return { status: "ALREADY_DONE", fetched: 0, ingest: EMPTY_INGEST, invoiceIds: [] };
  const connection = delivery.connection;
  if (!connection || !delivery.workspaceId || connection.status === "DISCONNECTED") {
    await db().webhookDelivery.update({ where: { id: deliveryId }, data: { status: "IGNORED", processedAt: new Date(), lastError: "The connection is gone." } });
    return { status: "IGNORED", fetched: 0, ingest: EMPTY_INGEST, invoiceIds: [] };
  }
  await db().webhookDelivery.update({ where: { id: deliveryId }, data: { status: "PROCESSING", attempts: { increment: 1 } } });
  try {
    const provider = connection.provider.toLowerCase() as ProviderId;
    const client = connectorFor(provider).client({ accountId: connection.externalAccountId, accessToken: (force) => accessToken(connection.id, force), connectionKey: connection.id });
    const hints = dedupe(delivery.hints as Hint[]);
    let ingest = EMPTY_INGEST;
    const invoiceIds = new Set<string>();
    // Customers first, then invoices, then payments: what links to what must exist first.
    for (const entity of ["customer", "invoice", "payment"] as const) {
      const records = (await Promise.all(hints.filter((h) => h.entity === entity).map((h) => FETCH[entity](client, h.externalId)))).filter((r): r is AnyRecord => r !== null);
      if (records.length === 0) continue;
      const stored = await upsertRecords({ workspaceId: delivery.workspaceId, connectionId: connection.id }, records.map((record) => ({ entity, record })));
      ingest = addIngest(ingest, await ingestStored(delivery.workspaceId, { id: connection.id, provider: connection.provider as ProviderName }, stored.changed, { markDue: true }));
    }
    // The invoices the delivery touched (through their records), for reconciliation.
    const ids = hints.map((h) => h.externalId);
    const linked = await db().externalRecord.findMany({
      where: { connectionId: connection.id, externalId: { in: ids } },
      select: { invoiceId: true, payment: { select: { invoiceId: true } } },
    });
    for (const r of linked) for (const id of [r.invoiceId, r.payment?.invoiceId]) if (id) invoiceIds.add(id);
    await db().webhookDelivery.update({ where: { id: deliveryId }, data: { status: "PROCESSED", processedAt: new Date(), lastError: null } });
    return { status: "PROCESSED", fetched: hints.length, ingest, invoiceIds: [...invoiceIds].sort() };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db().webhookDelivery.update({ where: { id: deliveryId }, data: { status: "FAILED", lastError: message.slice(0, 500) } });
    throw error;
  }
}

function dedupe(hints: Hint[]): Hint[] {
  const seen = new Map<string, Hint>();
  for (const h of hints) seen.set(`${h.entity}:${h.externalId}`, h);
  return [...seen.values()];
}
