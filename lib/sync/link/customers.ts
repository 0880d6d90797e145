/**
 * Customer records to canonical customers: the same normalized email, else the same normalized
 * name, is the same customer; otherwise a new one starts. One statement per step, whatever the
 * batch size. A record joined by its email whose name is another spelling ("Acme Inc" in one
 * system, "ACME Industries" in another) raises a CUSTOMER conflict, once per customer, for a
 * person to say which name Concord shows.
 */
import { randomUUID } from "node:crypto";
import type { Prisma } from "../../db/generated/client";
import { normalizeEmail, normalizeName } from "../../normalize/customer";
import type { LoadedRecord } from "./records";

type CustomerSnapshot = { name: string; email: string | null };

export async function linkCustomers(tx: Prisma.TransactionClient, workspaceId: string, records: LoadedRecord[]): Promise<number> {
  const waiting = records.filter((r) => r.entityType === "CUSTOMER" && r.customerId === null);
  if (waiting.length === 0) return 0;
  const keyed = waiting.map((r) => {
    const s = r.snapshot as CustomerSnapshot;
    return { record: r, name: s.name.trim(), email: s.email?.trim() || null, nameKey: normalizeName(s.name), emailKey: normalizeEmail(s.email) };
  });
  const emails = [...new Set(keyed.flatMap((k) => (k.emailKey ? [k.emailKey] : [])))];
  const names = [...new Set(keyed.map((k) => k.nameKey))];
  const existing = await tx.$queryRaw<{ id: string; name: string; normalizedEmail: string | null; normalizedName: string }[]>`
    SELECT id, name, "normalizedEmail", "normalizedName" FROM "Customer"
    WHERE "workspaceId" = ${workspaceId} AND ("normalizedEmail" = ANY(${emails}::text[]) OR "normalizedName" = ANY(${names}::text[]))
    ORDER BY "createdAt", id`;
  const byEmail = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const c of existing) {
    if (c.normalizedEmail && !byEmail.has(c.normalizedEmail)) byEmail.set(c.normalizedEmail, c.id);
    if (!byName.has(c.normalizedName)) byName.set(c.normalizedName, c.id);
  }

  const created: { id: string; name: string; email: string | null; nameKey: string; emailKey: string | null }[] = [];
  const createdIds = new Set<string>();
  const known = new Map<string, { name: string; nameKey: string }>(existing.map((c) => [c.id, { name: c.name, nameKey: c.normalizedName }]));
  const spelled = new Map<string, { name: string }>();
  const links: { recordId: string; customerId: string }[] = [];
  const learned: { customerId: string; email: string; emailKey: string }[] = [];
  for (const k of keyed) {
    let id = (k.emailKey && byEmail.get(k.emailKey)) || byName.get(k.nameKey);
    if (!id) {
      id = randomUUID();
      created.push({ id, name: k.name, email: k.email, nameKey: k.nameKey, emailKey: k.emailKey });
      createdIds.add(id);
      byName.set(k.nameKey, id);
      known.set(id, { name: k.name, nameKey: k.nameKey });
    }
    const canonical = known.get(id);
    if (canonical && canonical.nameKey !== k.nameKey && !spelled.has(id)) spelled.set(id, { name: canonical.name });
    if (k.emailKey && !byEmail.has(k.emailKey)) {
      byEmail.set(k.emailKey, id);
      if (!createdIds.has(id) && !learned.some((l) => l.customerId === id)) learned.push({ customerId: id, email: k.email!, emailKey: k.emailKey });
    }
    links.push({ recordId: k.record.id, customerId: id });
    k.record.customerId = id;
  }
  if (created.length > 0) {
    await tx.$executeRaw`
      INSERT INTO "Customer" (id, "workspaceId", name, email, "normalizedName", "normalizedEmail", "createdAt", "updatedAt")
      SELECT t.id, ${workspaceId}, t.name, t.email, t.nk, t.ek, now(), now()
      FROM unnest(${created.map((c) => c.id)}::text[], ${created.map((c) => c.name)}::text[], ${created.map((c) => c.email)}::text[],
                  ${created.map((c) => c.nameKey)}::text[], ${created.map((c) => c.emailKey)}::text[]) AS t(id, name, email, nk, ek)`;
  }
  if (learned.length > 0) {
    // A customer first seen without an email (a CRM company) learns it from the system that has one.
    await tx.$executeRaw`
      UPDATE "Customer" c SET email = t.email, "normalizedEmail" = t.ek, "updatedAt" = now()
      FROM unnest(${learned.map((l) => l.customerId)}::text[], ${learned.map((l) => l.email)}::text[], ${learned.map((l) => l.emailKey)}::text[]) AS t(id, email, ek)
      WHERE c.id = t.id AND c."workspaceId" = ${workspaceId} AND c."normalizedEmail" IS NULL`;
  }
  await tx.$executeRaw`
    UPDATE "ExternalRecord" er SET "customerId" = t.cid, "updatedAt" = now()
    FROM unnest(${links.map((l) => l.recordId)}::text[], ${links.map((l) => l.customerId)}::text[]) AS t(rid, cid)
    WHERE er.id = t.rid AND er."workspaceId" = ${workspaceId}`;
  if (spelled.size > 0) {
    // The rows are read live (lib/conflicts/customer-rows.ts); the stored row names the customer.
    const ids = [...spelled.keys()];
    const values = ids.map((id) => JSON.stringify([{ connectionId: null, provider: "CONCORD", externalId: null, value: spelled.get(id)!.name, customerId: id }]));
    await tx.$executeRaw`
      INSERT INTO "Conflict" (id, "workspaceId", kind, field, values, "openKey", reason, "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, ${workspaceId}, 'CUSTOMER'::"ConflictKind", 'customerName', t.vals, 'CUSTOMER:' || t.cid || ':customerName',
             'the systems spell the customer differently', now(), now()
      FROM unnest(${ids}::text[], ${values}::jsonb[]) AS t(cid, vals)
      ON CONFLICT ("workspaceId", "openKey") DO NOTHING`;
  }
  return created.length;
}
