/**
 * People's decisions on an invoice's field conflicts, read from the resolved conflicts
 * (Conflict.resolution, written by lib/conflicts/resolve.ts) for the planner: the latest decision
 * per field that is not carried out yet. A total taken from a system brings that system's lines
 * (what the others are updated with); a total typed in has none. Two kinds decide whole invoices:
 * a merged DUPLICATE voids the duplicate everywhere (status VOID), and a MISSING conflict resolved
 * with "take" has the invoice created where it is missing (presence).
 */
import { db } from "../../db";
import type { InvoiceSnapshot } from "../canonical";
import type { DecidedField, Decision, LineSpec } from "./decisions";

const FIELDS: Record<string, DecidedField> = { totalMinor: "totalMinor", dueDate: "dueDate", status: "status", currency: "currency" };

type Resolution = { action?: string; source?: string; decidedValue?: unknown; settledAt?: string };

export async function decisionsOf(
  invoiceId: string,
  records: { connectionId: string; snapshot: unknown }[],
  canonicalLines: { description: string; quantity: { toString(): string }; unitAmountMinor: bigint }[],
): Promise<Decision[]> {
  const resolved = await db().conflict.findMany({
    where: { invoiceId, status: "RESOLVED", kind: { in: ["AMOUNT", "CURRENCY", "STATUS", "DATE", "DUPLICATE", "MISSING"] } },
    select: { id: true, kind: true, field: true, resolution: true },
    orderBy: { resolvedAt: "asc" },
  });
  const latest = new Map<DecidedField, Decision>();
  for (const conflict of resolved) {
    const resolution = (conflict.resolution ?? {}) as Resolution;
    if (resolution.settledAt) continue;
    if (conflict.kind === "DUPLICATE" && resolution.action === "merge") {
      latest.set("status", { conflictId: conflict.id, field: "status", value: "VOID", lines: null });
      continue;
    }
    if (conflict.kind === "MISSING" && resolution.action === "take") {
      latest.set("presence", { conflictId: conflict.id, field: "presence", value: "present", lines: null });
      continue;
    }
    const field = conflict.field ? FIELDS[conflict.field] : undefined;
    if (!field || resolution.settledAt || resolution.decidedValue === undefined || resolution.decidedValue === null) continue;
    latest.set(field, { conflictId: conflict.id, field, value: String(resolution.decidedValue), lines: field === "totalMinor" ? linesOf(resolution, records, canonicalLines) : null });
  }
  return [...latest.values()];
}

function linesOf(resolution: Resolution, records: { connectionId: string; snapshot: unknown }[], canonicalLines: { description: string; quantity: { toString(): string }; unitAmountMinor: bigint }[]): LineSpec[] | null {
  if (resolution.action !== "take") return null;
  if (resolution.source === "CONCORD") return canonicalLines.map((l) => ({ description: l.description, quantity: l.quantity.toString(), unitAmountMinor: l.unitAmountMinor }));
  const snapshot = records.find((r) => r.connectionId === resolution.source)?.snapshot as InvoiceSnapshot | undefined;
  return snapshot ? snapshot.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmountMinor: BigInt(l.unitAmountMinor) })) : null;
}
