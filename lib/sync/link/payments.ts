/**
 * Payment records to canonical payments. The same money seen by two systems is one payment: same
 * invoice, kind, amount and currency, paid within a few days, and not yet seen by this
 * connection. Otherwise a new payment starts.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "../../db/generated/client";
import { linkedIds, type LoadedRecord } from "./records";

type PaymentSnapshot = { kind: "PAYMENT" | "REFUND"; invoiceExternalIds: string[]; customerExternalId: string | null; currency: string; amountMinor: string; paidOn: string };
type Existing = { id: string; invoiceId: string; kind: string; amountMinor: bigint; currency: string; paidOn: string; connectionIds: string[] };

const WINDOW_DAYS = 3;
const days = (a: string, b: string) => Math.abs(Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/** Links waiting payment records; answers how many payments started and the invoices they belong to. */
export async function linkPayments(tx: Prisma.TransactionClient, workspaceId: string, records: LoadedRecord[]): Promise<{ created: number; invoiceIds: string[] }> {
  const waiting = records.filter((r) => r.entityType === "PAYMENT" && r.paymentId === null);
  if (waiting.length === 0) return { created: 0, invoiceIds: [] };
  const snapshots = new Map(waiting.map((r) => [r.id, r.snapshot as PaymentSnapshot]));
  const invoiceOf = await linkedIds(
    tx,
    workspaceId,
    "INVOICE",
    waiting.flatMap((r) => snapshots.get(r.id)!.invoiceExternalIds.slice(0, 1).map((externalId) => ({ connectionId: r.connectionId, externalId }))),
  );
  const customerOf = await linkedIds(
    tx,
    workspaceId,
    "CUSTOMER",
    waiting.flatMap((r) => {
      const ext = snapshots.get(r.id)!.customerExternalId;
      return ext ? [{ connectionId: r.connectionId, externalId: ext }] : [];
    }),
  );
  const invoiceIdOf = (r: LoadedRecord) => {
    const first = snapshots.get(r.id)!.invoiceExternalIds[0];
    return first ? (invoiceOf.get(`${r.connectionId}:${first}`)?.canonicalId ?? null) : null;
  };
  const invoiceIds = [...new Set(waiting.flatMap((r) => invoiceIdOf(r) ?? []))];
  const existing = await tx.$queryRaw<Existing[]>`
    SELECT p.id, p."invoiceId", p.kind::text AS kind, p."amountMinor", p.currency, to_char(p."paidOn", 'YYYY-MM-DD') AS "paidOn",
           ARRAY(SELECT DISTINCT er."connectionId" FROM "ExternalRecord" er WHERE er."workspaceId" = ${workspaceId} AND er."paymentId" = p.id) AS "connectionIds"
    FROM "Payment" p WHERE p."workspaceId" = ${workspaceId} AND p."invoiceId" = ANY(${invoiceIds}::text[])
    ORDER BY p.id`;
  const byInvoice = new Map<string, Existing[]>();
  for (const p of existing) byInvoice.set(p.invoiceId, [...(byInvoice.get(p.invoiceId) ?? []), { ...p, amountMinor: BigInt(p.amountMinor) }]);

  const created: { id: string; invoiceId: string | null; customerId: string | null; s: PaymentSnapshot; externalId: string }[] = [];
  const links: { recordId: string; paymentId: string }[] = [];
  for (const record of waiting) {
    const s = snapshots.get(record.id)!;
    const invoiceId = invoiceIdOf(record);
    const amount = BigInt(s.amountMinor);
    const same = invoiceId
      ? (byInvoice.get(invoiceId) ?? []).find(
          (p) => p.kind === s.kind && p.amountMinor === amount && p.currency === s.currency && days(p.paidOn, s.paidOn) <= WINDOW_DAYS && !p.connectionIds.includes(record.connectionId),
        )
      : undefined;
    let paymentId = same?.id;
    if (same) same.connectionIds.push(record.connectionId);
    else {
      paymentId = randomUUID();
      const customerId = s.customerExternalId ? (customerOf.get(`${record.connectionId}:${s.customerExternalId}`)?.canonicalId ?? null) : null;
      created.push({ id: paymentId, invoiceId, customerId, s, externalId: record.externalId });
      if (invoiceId) {
        const mine: Existing = { id: paymentId, invoiceId, kind: s.kind, amountMinor: amount, currency: s.currency, paidOn: s.paidOn, connectionIds: [record.connectionId] };
        byInvoice.set(invoiceId, [...(byInvoice.get(invoiceId) ?? []), mine]);
      }
    }
    links.push({ recordId: record.id, paymentId: paymentId! });
  }
  if (created.length > 0) {
    await tx.$executeRaw`
      INSERT INTO "Payment" (id, "workspaceId", "invoiceId", "customerId", kind, "amountMinor", currency, "paidOn", reference, "createdAt", "updatedAt")
      SELECT t.id, ${workspaceId}, t.inv, t.cust, t.kind::"PaymentKind", t.amount, t.cur, t.paid::date, t.ref, now(), now()
      FROM unnest(${created.map((c) => c.id)}::text[], ${created.map((c) => c.invoiceId)}::text[], ${created.map((c) => c.customerId)}::text[],
                  ${created.map((c) => c.s.kind)}::text[], ${created.map((c) => c.s.amountMinor)}::bigint[], ${created.map((c) => c.s.currency)}::text[],
                  ${created.map((c) => c.s.paidOn)}::text[], ${created.map((c) => c.externalId)}::text[]) AS t(id, inv, cust, kind, amount, cur, paid, ref)`;
  }
  await tx.$executeRaw`
    UPDATE "ExternalRecord" er SET "paymentId" = t.pid, "updatedAt" = now()
    FROM unnest(${links.map((l) => l.recordId)}::text[], ${links.map((l) => l.paymentId)}::text[]) AS t(rid, pid)
    WHERE er.id = t.rid AND er."workspaceId" = ${workspaceId}`;
  return { created: created.length, invoiceIds: invoiceIds };
}
