/**
 * The rows of a CUSTOMER conflict, read now rather than stored: Concord's name for the customer
 * and the name each system's customer record carries, so the inbox always shows the spellings
 * as they are (a system that fixed its spelling since shows the fix).
 */
import { db } from "../db";
import type { DbOrTx } from "../db";

export type StoredRow = { connectionId: string | null; provider: string; externalId: string | null; value: string | null; customerId?: string };

export async function customerRows(workspaceId: string, customerIds: string[], client: DbOrTx = db()): Promise<Map<string, StoredRow[]>> {
  const out = new Map<string, StoredRow[]>();
  if (customerIds.length === 0) return out;
  const [customers, records] = await Promise.all([
    client.customer.findMany({ where: { workspaceId, id: { in: customerIds } }, select: { id: true, name: true } }),
    client.externalRecord.findMany({
      where: { workspaceId, entityType: "CUSTOMER", customerId: { in: customerIds } },
      select: { customerId: true, connectionId: true, externalId: true, snapshot: true, connection: { select: { provider: true } } },
      orderBy: [{ connectionId: "asc" }, { externalId: "asc" }],
    }),
  ]);
  for (const c of customers) {
    const rows: StoredRow[] = [{ connectionId: null, provider: "CONCORD", externalId: null, value: c.name, customerId: c.id }];
    for (const r of records.filter((r) => r.customerId === c.id)) {
      const name = (r.snapshot as { name?: unknown } | null)?.name;
      rows.push({ connectionId: r.connectionId, provider: r.connection.provider, externalId: r.externalId, value: typeof name === "string" ? name : null });
    }
    out.set(c.id, rows);
  }
  return out;
}
