/** Conflicts (and their invoices) made directly, for the notification tests: only the columns those read. */
import { randomUUID } from "node:crypto";
import { db } from "../lib/db";
import type { ConflictKind, ConflictStatus } from "../lib/db";

export async function makeInvoice(workspaceId: string, number: string | null = `INV-${randomUUID().slice(0, 8)}`): Promise<{ id: string; number: string | null }> {
  return db().invoice.create({ data: { workspaceId, number, currency: "USD", totalMinor: 1_000n, amountDueMinor: 1_000n, status: "OPEN" }, select: { id: true, number: true } });
}

export async function makeConflict(
  workspaceId: string,
  options: { invoiceId?: string | null; kind?: ConflictKind; field?: string | null; status?: ConflictStatus; createdAt?: Date } = {},
): Promise<{ id: string; createdAt: Date }> {
  const invoiceId = options.invoiceId === undefined ? (await makeInvoice(workspaceId)).id : options.invoiceId;
  return db().conflict.create({
    data: { workspaceId, invoiceId, kind: options.kind ?? "AMOUNT", field: options.field === undefined ? "totalMinor" : options.field, values: [], status: options.status ?? "OPEN", createdAt: options.createdAt },
    select: { id: true, createdAt: true },
  });
}
