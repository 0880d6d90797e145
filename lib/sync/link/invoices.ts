/**
 * Invoice records to canonical invoices: loads the candidates the batch could match (by
 * cross-reference, number or amount), lets lib/matching decide, then writes the links, the new
 * invoices and the conflicts matching raised, a statement each.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "../../db/generated/client";
import { InvoiceIndex, matchInvoices, type Candidate, type Decision, type Incoming } from "../../matching/invoices";
import { normalizeInvoiceNumber, normalizeName } from "../../normalize/customer";
import { canonicalInvoice, DEFAULT_RULES, type InvoiceSnapshot, type LinkedRecord, type SourceRules } from "../canonical";
import { writeInvoices } from "./recompute";
import { linkedIds, type LoadedRecord } from "./records";

type CandidateRow = {
  id: string;
  normalizedNumber: string | null;
  currency: string;
  totalMinor: bigint;
  customerId: string | null;
  customerKey: string | null;
  issueDate: string | null;
  connectionIds: string[];
};

async function loadCandidates(tx: Prisma.TransactionClient, workspaceId: string, incoming: Incoming[]): Promise<Candidate[]> {
  const ids = [...new Set(incoming.flatMap((i) => (i.crossReference ? [i.crossReference] : [])))];
  const numbers = [...new Set(incoming.flatMap((i) => (i.normalizedNumber ? [i.normalizedNumber] : [])))];
  const amounts = [...new Map(incoming.map((i) => [`${i.currency}:${i.totalMinor}`, i])).values()];
  const rows = await tx.$queryRaw<CandidateRow[]>`
    SELECT i.id, i."normalizedNumber", i.currency, i."totalMinor", i."customerId", c."normalizedName" AS "customerKey",
           to_char(i."issueDate", 'YYYY-MM-DD') AS "issueDate",
           ARRAY(SELECT DISTINCT er."connectionId" FROM "ExternalRecord" er WHERE er."workspaceId" = ${workspaceId} AND er."invoiceId" = i.id) AS "connectionIds"
    FROM "Invoice" i LEFT JOIN "Customer" c ON c.id = i."customerId"
    WHERE i."workspaceId" = ${workspaceId} AND i.id IN (
      -- Three lookups, each on its own index (an OR of them would scan the workspace's invoices).
      SELECT id FROM "Invoice" WHERE "workspaceId" = ${workspaceId} AND id = ANY(${ids}::text[])
      UNION SELECT id FROM "Invoice" WHERE "workspaceId" = ${workspaceId} AND "normalizedNumber" = ANY(${numbers}::text[])
      UNION SELECT x.id FROM unnest(${amounts.map((a) => a.currency)}::text[], ${amounts.map((a) => a.totalMinor.toString())}::bigint[]) AS a(cur, total)
            -- LATERAL: one index lookup per amount, whatever the (possibly stale, mid-backfill) statistics suggest.
            CROSS JOIN LATERAL (SELECT id FROM "Invoice" WHERE "workspaceId" = ${workspaceId} AND currency = a.cur AND "totalMinor" = a.total) x)`;
  return rows.map((r) => ({ ...r, totalMinor: BigInt(r.totalMinor), connectionIds: new Set(r.connectionIds) }));
}

/** `touched`: existing invoices a record joined or changed (to recompute); `started`: invoices records started. */
export type InvoiceLinkResult = { touched: Set<string>; started: string[]; created: number; linked: number; conflicts: number };

export async function linkInvoices(tx: Prisma.TransactionClient, workspaceId: string, records: LoadedRecord[], rules: SourceRules = DEFAULT_RULES): Promise<InvoiceLinkResult> {
  const invoices = records.filter((r) => r.entityType === "INVOICE");
  const touched = new Set(invoices.flatMap((r) => (r.invoiceId ? [r.invoiceId] : [])));
  const waiting = invoices.filter((r) => r.invoiceId === null);
  if (waiting.length === 0) return { touched, started: [], created: 0, linked: 0, conflicts: 0 };

  const customers = await linkedIds(
    tx,
    workspaceId,
    "CUSTOMER",
    waiting.flatMap((r) => {
      const ext = (r.snapshot as InvoiceSnapshot).customerExternalId;
      return ext ? [{ connectionId: r.connectionId, externalId: ext }] : [];
    }),
  );
  const incoming: Incoming[] = waiting.map((r) => {
    const s = r.snapshot as InvoiceSnapshot & { crossReference: string | null };
    const customer = s.customerExternalId ? customers.get(`${r.connectionId}:${s.customerExternalId}`) : undefined;
    return {
      recordId: r.id,
      connectionId: r.connectionId,
      crossReference: s.crossReference,
      normalizedNumber: normalizeInvoiceNumber(s.number),
      currency: s.currency,
      totalMinor: BigInt(s.totalMinor),
      customerId: customer?.canonicalId ?? null,
      customerKey: customer?.label ? normalizeName(customer.label) : null,
      issueDate: s.issueDate,
    };
  });
  const index = new InvoiceIndex(await loadCandidates(tx, workspaceId, incoming));
  const decisions = matchInvoices(incoming, index, () => randomUUID());
  const byRecord = new Map(waiting.map((r) => [r.id, r]));

  const fresh = decisions.filter((d): d is Extract<Decision, { kind: "new" }> => d.kind === "new");
  // An invoice a record starts is written whole, from that record alone: no second pass needed.
  const started = fresh.map((d) => {
    const record = byRecord.get(d.recordId)!;
    const s = record.snapshot as InvoiceSnapshot;
    const customer = s.customerExternalId ? customers.get(`${record.connectionId}:${s.customerExternalId}`) : undefined;
    const linked: LinkedRecord = { recordId: record.id, connectionId: record.connectionId, provider: record.provider, snapshot: s, customerId: customer?.canonicalId ?? null, customerName: customer?.label ?? null };
    return { id: d.invoiceId, value: canonicalInvoice([linked], rules) };
  });
  await writeInvoices(tx, workspaceId, started, "insert");
  const links = decisions.map((d) =>
    d.kind === "link"
      ? { recordId: d.recordId, invoiceId: d.invoiceId, confidence: d.confidence, rule: d.rule }
      : { recordId: d.recordId, invoiceId: d.invoiceId, confidence: 100, rule: "NEW" },
  );
  await tx.$executeRaw`
    UPDATE "ExternalRecord" er SET "invoiceId" = t.iid, "matchConfidence" = t.conf, "matchRule" = t.rule, "updatedAt" = now()
    FROM unnest(${links.map((l) => l.recordId)}::text[], ${links.map((l) => l.invoiceId)}::text[], ${links.map((l) => l.confidence)}::int[],
                ${links.map((l) => l.rule)}::text[]) AS t(rid, iid, conf, rule)
    WHERE er.id = t.rid AND er."workspaceId" = ${workspaceId}`;
  for (const d of decisions) {
    if (d.kind === "link") touched.add(d.invoiceId);
    byRecord.get(d.recordId)!.invoiceId = d.invoiceId;
  }
  const conflicts = await raiseMatchConflicts(tx, workspaceId, fresh, byRecord);
  return { touched, started: fresh.map((d) => d.invoiceId), created: fresh.length, linked: decisions.length - fresh.length, conflicts };
}

/** DUPLICATE and POSSIBLE_MATCH conflicts; an open one is never raised twice (openKey). */
async function raiseMatchConflicts(
  tx: Prisma.TransactionClient,
  workspaceId: string,
  fresh: Extract<Decision, { kind: "new" }>[],
  records: Map<string, LoadedRecord>,
): Promise<number> {
  const rows: { invoiceId: string; kind: string; openKey: string; values: unknown }[] = [];
  for (const d of fresh) {
    const record = records.get(d.recordId)!;
    const mine = { connectionId: record.connectionId, provider: record.provider, externalId: record.externalId, invoiceId: d.invoiceId };
    if (d.duplicateOf) {
      rows.push({ invoiceId: d.invoiceId, kind: "DUPLICATE", openKey: `DUPLICATE:${[d.invoiceId, d.duplicateOf].sort().join(":")}`, values: { record: mine, otherInvoiceId: d.duplicateOf } });
    } else if (d.possibleMatch) {
      rows.push({
        invoiceId: d.invoiceId,
        kind: "POSSIBLE_MATCH",
        openKey: `POSSIBLE_MATCH:${[d.invoiceId, d.possibleMatch.invoiceId].sort().join(":")}`,
        values: { record: mine, otherInvoiceId: d.possibleMatch.invoiceId, confidence: d.possibleMatch.confidence },
      });
    }
  }
  if (rows.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "Conflict" (id, "workspaceId", "invoiceId", kind, values, "openKey", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ${workspaceId}, t.iid, t.kind::"ConflictKind", t.vals, t.okey, now(), now()
    FROM unnest(${rows.map((r) => r.invoiceId)}::text[], ${rows.map((r) => r.kind)}::text[], ${rows.map((r) => JSON.stringify(r.values))}::jsonb[],
                ${rows.map((r) => r.openKey)}::text[]) AS t(iid, kind, vals, okey)
    ON CONFLICT ("workspaceId", "openKey") DO NOTHING`;
}
