/**
 * One invoice in full: the canonical values, each system's record side by side, its payments and
 * conflicts, and its history, told from what Concord stored (records first seen and pulled,
 * payments, conflicts) and the audit trail (pushes, resolutions).
 */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { PROVIDER_LABELS } from "../connectors/labels";
import { toDecimal } from "../normalize/money";
import type { InvoiceDetail } from "./schemas";
import { SUMMARY_SELECT, toSummary } from "./timeline";

type System = InvoiceDetail["records"][number]["system"];
type Event = InvoiceDetail["history"][number];

const system = (provider: string) => provider.toLowerCase() as System;
const day = (d: Date) => d.toISOString().slice(0, 10);

const RULE_WORDS: Record<string, string> = {
  NEW: "first seen",
  CROSS_REFERENCE: "linked by the reference Concord wrote",
  NUMBER: "linked by invoice number",
  DETAILS: "linked by customer, amount and date",
  PERSON: "linked by a person",
};

export async function getInvoice(ctx: WorkspaceContext, id: string): Promise<InvoiceDetail> {
  assertCan(ctx, "workspace:view");
  const invoice = await db().invoice.findFirst({
    where: { id, workspaceId: ctx.workspace.id },
    select: {
      ...SUMMARY_SELECT,
      subtotalMinor: true,
      taxMinor: true,
      paidDate: true,
      memo: true,
      lines: { orderBy: { position: "asc" }, select: { description: true, quantity: true, unitAmountMinor: true, amountMinor: true } },
      externalRecords: {
        orderBy: { createdAt: "asc" },
        select: {
          connectionId: true,
          externalId: true,
          matchRule: true,
          matchConfidence: true,
          snapshot: true,
          createdAt: true,
          fetchedAt: true,
          connection: { select: { provider: true, displayName: true } },
        },
      },
      payments: {
        orderBy: { paidOn: "asc" },
        select: { id: true, kind: true, amountMinor: true, currency: true, paidOn: true, externalRecords: { select: { connection: { select: { provider: true } } } } },
      },
      conflicts: { orderBy: { createdAt: "asc" }, select: { id: true, kind: true, status: true, createdAt: true, resolvedAt: true, reason: true } },
    },
  });
  if (!invoice) throw new ApiError("not_found", "No such invoice in this workspace.");
  const audit = await db().auditEntry.findMany({
    where: { workspaceId: ctx.workspace.id, subjectType: "invoice", subjectId: id },
    orderBy: { id: "asc" },
    take: 200,
    select: { at: true, action: true, actorLabel: true, connectionId: true },
  });
  // Audit entries keep a connection's id without a foreign key (the trail outlives connections).
  const auditConnectionIds = [...new Set(audit.map((a) => a.connectionId).filter((c): c is string => c !== null))];
  const providerOf = new Map(
    (auditConnectionIds.length ? await db().connection.findMany({ where: { workspaceId: ctx.workspace.id, id: { in: auditConnectionIds } }, select: { id: true, provider: true } }) : []).map((c) => [c.id, c.provider]),
  );

  const history: Event[] = [];
  for (const r of invoice.externalRecords) {
    const how = RULE_WORDS[r.matchRule ?? ""] ?? "linked";
    const confidence = r.matchRule && r.matchRule !== "NEW" && r.matchConfidence !== null ? ` (${r.matchConfidence}% sure)` : "";
    history.push({ at: r.createdAt.toISOString(), kind: r.matchRule === "NEW" ? "created" : "linked", system: system(r.connection.provider), text: `${how}${confidence}` });
    if (r.fetchedAt.getTime() - r.createdAt.getTime() > 1000) {
      history.push({ at: r.fetchedAt.toISOString(), kind: "pulled", system: system(r.connection.provider), text: "latest change pulled" });
    }
  }
  for (const p of invoice.payments) {
    const where = [...new Set(p.externalRecords.map((e) => PROVIDER_LABELS[e.connection.provider]))].join(", ");
    history.push({ at: `${day(p.paidOn)}T00:00:00.000Z`, kind: "payment", system: null, text: `${p.kind === "REFUND" ? "Refund" : "Payment"} of ${toDecimal(p.amountMinor, p.currency)} ${p.currency}${where ? ` (seen in ${where})` : ""}` });
  }
  for (const c of invoice.conflicts) {
    history.push({ at: c.createdAt.toISOString(), kind: "conflict_opened", system: null, text: `Conflict opened: ${c.kind.toLowerCase().replace("_", " ")}` });
    if (c.resolvedAt) history.push({ at: c.resolvedAt.toISOString(), kind: "conflict_resolved", system: null, text: `Conflict ${c.status.toLowerCase()}${c.reason ? `: ${c.reason}` : ""}` });
  }
  for (const a of audit) {
    history.push({ at: a.at.toISOString(), kind: "audit", system: a.connectionId && providerOf.has(a.connectionId) ? system(providerOf.get(a.connectionId)!) : null, text: `${a.action} by ${a.actorLabel}` });
  }
  history.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  return {
    ...toSummary(invoice),
    subtotalMinor: invoice.subtotalMinor.toString(),
    taxMinor: invoice.taxMinor.toString(),
    paidDate: invoice.paidDate ? day(invoice.paidDate) : null,
    memo: invoice.memo,
    lines: invoice.lines.map((l) => ({ description: l.description, quantity: l.quantity.toString(), unitAmountMinor: l.unitAmountMinor.toString(), amountMinor: l.amountMinor.toString() })),
    records: invoice.externalRecords.map((r) => ({
      connectionId: r.connectionId,
      system: system(r.connection.provider),
      connectionName: r.connection.displayName,
      externalId: r.externalId,
      matchRule: r.matchRule,
      matchConfidence: r.matchConfidence,
      fetchedAt: r.fetchedAt.toISOString(),
      snapshot: r.snapshot as Record<string, unknown>,
    })),
    payments: invoice.payments.map((p) => ({
      id: p.id,
      kind: p.kind,
      amountMinor: p.amountMinor.toString(),
      currency: p.currency,
      paidOn: day(p.paidOn),
      systems: [...new Set(p.externalRecords.map((e) => system(e.connection.provider)))],
    })),
    conflicts: invoice.conflicts.map((c) => ({ id: c.id, kind: c.kind, status: c.status, createdAt: c.createdAt.toISOString() })),
    history,
  };
}
