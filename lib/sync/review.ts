/**
 * The first look at history, once every active connection of a workspace has finished its first
 * pull: the invoices the systems disagree on, or that a system which should hold them lacks, are
 * planned and what the rules cannot settle becomes conflicts for a person (an amount Xero holds
 * differently, an invoice only Stripe has, ...). Nothing is written to any system and nothing is
 * marked due: history is not pushed on connect; changes from now on are. A review is cheap to
 * repeat: an open conflict is never raised twice.
 */
import { db } from "../db";
import type { Provider } from "../db";
import { DEFAULT_CREATE_IN } from "./propagate/plan";
import { reviewInvoice } from "./propagate/reconcile";

/** Invoices looked at per query page. */
const PAGE = 500;

export async function firstPullsDone(workspaceId: string): Promise<boolean> {
  const connections = await db().connection.findMany({ where: { workspaceId, status: "ACTIVE" }, select: { cursors: true } });
  return connections.length > 0 && connections.every((c) => Boolean((c.cursors as { changes?: unknown } | null)?.changes));
}

/**
 * Copies entered twice in one system that matching could not tell apart while records arrived in
 * any order (the copy first, the original after): an invoice only one system holds, with the same
 * customer, currency, total and issue date as another invoice of that system, numbered like it with
 * something added ("1065-2"). The copy gets the DUPLICATE conflict, so merging voids the copy.
 */
async function raiseHistoryCopies(workspaceId: string): Promise<number> {
  return db().$executeRaw`
    INSERT INTO "Conflict" (id, "workspaceId", "invoiceId", kind, values, "openKey", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${workspaceId}, c.id, 'DUPLICATE'::"ConflictKind",
           jsonb_build_object('record', jsonb_build_object('connectionId', cr."connectionId", 'provider', conn.provider::text, 'externalId', cr."externalId", 'invoiceId', c.id), 'otherInvoiceId', o.id),
           'DUPLICATE:' || LEAST(c.id, o.id) || ':' || GREATEST(c.id, o.id), now(), now()
    FROM "Invoice" c
    JOIN "ExternalRecord" cr ON cr."invoiceId" = c.id AND cr."entityType" = 'INVOICE' AND cr."workspaceId" = ${workspaceId}
    JOIN "Connection" conn ON conn.id = cr."connectionId"
    JOIN "ExternalRecord" orr ON orr."connectionId" = cr."connectionId" AND orr."entityType" = 'INVOICE' AND orr."invoiceId" IS NOT NULL AND orr."invoiceId" <> c.id
    JOIN "Invoice" o ON o.id = orr."invoiceId"
    WHERE c."workspaceId" = ${workspaceId} AND cardinality(c.providers) = 1
      AND o.currency = c.currency AND o."totalMinor" = c."totalMinor" AND o."customerId" = c."customerId" AND o."issueDate" = c."issueDate"
      AND length(c."normalizedNumber") > length(o."normalizedNumber") AND starts_with(c."normalizedNumber", o."normalizedNumber")
    ON CONFLICT ("workspaceId", "openKey") DO NOTHING`;
}

/** Reviews the workspace's history if its first pulls are all done; answers the conflicts opened (0 when not yet). */
export async function reviewHistory(workspaceId: string): Promise<{ reviewed: number; opened: number }> {
  if (!(await firstPullsDone(workspaceId))) return { reviewed: 0, opened: 0 };
  const copies = await raiseHistoryCopies(workspaceId);
  const held = (await db().connection.findMany({ where: { workspaceId, status: "ACTIVE" }, select: { provider: true } })).map((c) => c.provider as Provider);
  const shouldHold = DEFAULT_CREATE_IN.filter((p) => held.includes(p)) as Provider[];
  let after = "";
  let reviewed = 0;
  let opened = copies;
  for (;;) {
    const ids = await db().invoice.findMany({
      where: {
        workspaceId,
        id: { gt: after },
        OR: [{ disagreement: true }, ...(shouldHold.length ? [{ status: { notIn: ["DRAFT" as const, "VOID" as const] }, NOT: { providers: { hasEvery: shouldHold } } }] : [])],
      },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true },
    });
    if (ids.length === 0) return { reviewed, opened };
    for (const { id } of ids) if (await reviewInvoice(id)) opened++;
    reviewed += ids.length;
    after = ids[ids.length - 1]!.id;
  }
}
