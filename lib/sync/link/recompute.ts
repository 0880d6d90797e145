/**
 * Recomputes canonical invoices from their linked records (see ../canonical.ts) and writes the
 * ones whose values changed, with their lines, a statement each. An unchanged fingerprint writes
 * nothing, so a re-run sync leaves versions and timestamps alone.
 */
import { Prisma } from "../../db/generated/client";
import { normalizeInvoiceNumber, normalizeName } from "../../normalize/customer";
import { canonicalInvoice, DEFAULT_RULES, type CanonicalInvoice, type InvoiceSnapshot, type LinkedRecord, type ProviderName, type SourceRules } from "../canonical";

type Row = { id: string; connectionId: string; provider: ProviderName; invoiceId: string; snapshot: InvoiceSnapshot; customerId: string | null; customerName: string | null };

export function searchTextOf(invoice: Pick<CanonicalInvoice, "number" | "customerName">): string {
  return [normalizeInvoiceNumber(invoice.number), invoice.customerName ? normalizeName(invoice.customerName) : null].filter(Boolean).join(" ");
}

export async function recomputeInvoices(tx: Prisma.TransactionClient, workspaceId: string, invoiceIds: string[], rules: SourceRules = DEFAULT_RULES): Promise<string[]> {
  if (invoiceIds.length === 0) return [];
  const rows = await tx.$queryRaw<Row[]>`
    SELECT er.id, er."connectionId", c.provider::text AS provider, er."invoiceId", er.snapshot, cr."customerId", cu.name AS "customerName"
    FROM "ExternalRecord" er
    JOIN "Connection" c ON c.id = er."connectionId"
    LEFT JOIN "ExternalRecord" cr ON cr."connectionId" = er."connectionId" AND cr."entityType" = 'CUSTOMER' AND cr."externalId" = er.snapshot->>'customerExternalId'
    LEFT JOIN "Customer" cu ON cu.id = cr."customerId"
    WHERE er."workspaceId" = ${workspaceId} AND er."entityType" = 'INVOICE' AND er."invoiceId" = ANY(${invoiceIds}::text[])`;
  const stored = await tx.$queryRaw<{ id: string; fingerprint: string }[]>`
    SELECT id, fingerprint FROM "Invoice" WHERE "workspaceId" = ${workspaceId} AND id = ANY(${invoiceIds}::text[])`;
  const grouped = new Map<string, LinkedRecord[]>();
  for (const r of rows) {
    const linked: LinkedRecord = { recordId: r.id, connectionId: r.connectionId, provider: r.provider, snapshot: r.snapshot, customerId: r.customerId, customerName: r.customerName };
    grouped.set(r.invoiceId, [...(grouped.get(r.invoiceId) ?? []), linked]);
  }
  const changed: { id: string; value: CanonicalInvoice }[] = [];
  for (const { id, fingerprint } of stored) {
    const records = grouped.get(id);
    if (!records) continue;
    const value = canonicalInvoice(records, rules);
    if (value.fingerprint !== fingerprint) changed.push({ id, value });
  }
  if (changed.length === 0) return [];

  await writeInvoices(tx, workspaceId, changed, "update");
  return changed.map((c) => c.id);
}

const RECORDSET = `id text, number text, nnum text, cust text, cname text, cur text, sub bigint, tax bigint, total bigint, paid bigint, due bigint,
  status text, issued date, due_on date, paid_on date, memo text, search text, providers json, systems jsonb, disagrees bool, fp text`;

function rowOf(id: string, v: CanonicalInvoice) {
  return {
    id,
    number: v.number,
    nnum: normalizeInvoiceNumber(v.number),
    cust: v.customerId,
    cname: v.customerName,
    cur: v.currency,
    sub: v.subtotalMinor.toString(),
    tax: v.taxMinor.toString(),
    total: v.totalMinor.toString(),
    paid: v.amountPaidMinor.toString(),
    due: v.amountDueMinor.toString(),
    status: v.status,
    issued: v.issueDate,
    due_on: v.dueDate,
    paid_on: v.paidDate,
    memo: v.memo,
    search: searchTextOf(v),
    providers: v.providers,
    systems: v.systems,
    disagrees: v.differences.length > 0,
    fp: v.fingerprint,
  };
}

/**
 * Writes canonical invoices and their lines: "insert" for invoices a record just started, "update"
 * (version bumped) for invoices whose values changed. Each batch travels as one JSON document, so
 * no per-column array literal has to be escaped.
 */
export async function writeInvoices(tx: Prisma.TransactionClient, workspaceId: string, items: { id: string; value: CanonicalInvoice }[], mode: "insert" | "update"): Promise<void> {
  if (items.length === 0) return;
  const rows = JSON.stringify(items.map((c) => rowOf(c.id, c.value)));
  if (mode === "insert") {
    await tx.$executeRaw`
      INSERT INTO "Invoice" (id, "workspaceId", number, "normalizedNumber", "customerId", "customerName", currency, "subtotalMinor", "taxMinor", "totalMinor",
                             "amountPaidMinor", "amountDueMinor", status, "issueDate", "dueDate", "paidDate", memo, "searchText", providers, systems,
                             disagreement, fingerprint, "createdAt", "updatedAt")
      SELECT t.id, ${workspaceId}, t.number, t.nnum, t.cust, t.cname, t.cur, t.sub, t.tax, t.total, t.paid, t.due, t.status::"InvoiceStatus", t.issued, t.due_on,
             t.paid_on, t.memo, t.search, ARRAY(SELECT json_array_elements_text(t.providers))::"Provider"[], t.systems, t.disagrees, t.fp, now(), now()
      FROM json_to_recordset(${rows}::json) AS t(${Prisma.raw(RECORDSET)})`;
  } else {
    await tx.$executeRaw`
      UPDATE "Invoice" i SET
        number = t.number, "normalizedNumber" = t.nnum, "customerId" = t.cust, "customerName" = t.cname, currency = t.cur,
        "subtotalMinor" = t.sub, "taxMinor" = t.tax, "totalMinor" = t.total, "amountPaidMinor" = t.paid, "amountDueMinor" = t.due,
        status = t.status::"InvoiceStatus", "issueDate" = t.issued, "dueDate" = t.due_on, "paidDate" = t.paid_on, memo = t.memo,
        "searchText" = t.search, providers = ARRAY(SELECT json_array_elements_text(t.providers))::"Provider"[], systems = t.systems, disagreement = t.disagrees,
        fingerprint = t.fp, version = i.version + 1, "updatedAt" = now()
      FROM json_to_recordset(${rows}::json) AS t(${Prisma.raw(RECORDSET)})
      WHERE i.id = t.id AND i."workspaceId" = ${workspaceId}`;
    await tx.$executeRaw`DELETE FROM "InvoiceLine" WHERE "invoiceId" = ANY(${items.map((c) => c.id)}::text[])`;
  }
  const lines = items.flatMap((c) =>
    c.value.lines.map((line, position) => ({ inv: c.id, pos: position, descr: line.description, qty: line.quantity, unit: line.unitAmountMinor.toString(), amount: line.amountMinor.toString() })),
  );
  if (lines.length > 0) {
    await tx.$executeRaw`
      INSERT INTO "InvoiceLine" (id, "invoiceId", position, description, quantity, "unitAmountMinor", "amountMinor")
      SELECT gen_random_uuid()::text, t.inv, t.pos, t.descr, t.qty::numeric, t.unit, t.amount
      FROM json_to_recordset(${JSON.stringify(lines)}::json) AS t(inv text, pos int, descr text, qty text, unit bigint, amount bigint)`;
  }
}
