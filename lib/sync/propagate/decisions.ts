/**
 * A person's decision on a conflict ("take QuickBooks' total", "the due date is 1 August"), as
 * the planner carries it out: every system that holds another value gets the decided one where
 * it can take it (an invoice update, a void), and is left alone with the reason where it cannot
 * (no system changes an issued invoice's currency; a voided invoice cannot be reopened; Stripe
 * cannot change a finalized invoice). A decided field raises no conflict again; once every system
 * holds the decided value the decision is settled and stops steering (a later change made in the
 * source of truth is then synced as usual). Pure.
 */
import type { InvoiceStatus } from "../../connectors/types";

/** `presence`: the invoice is to exist in every system that should hold it (a MISSING conflict resolved). */
export type DecidedField = "totalMinor" | "dueDate" | "status" | "currency" | "presence";
export type LineSpec = { description: string; quantity: string; unitAmountMinor: bigint };

export type Decision = {
  conflictId: string;
  field: DecidedField;
  value: string;
  /** For a decided total: the lines of the system whose total was taken (null when a total was typed in). */
  lines: LineSpec[] | null;
};

export type DecidedTarget = {
  connectionId: string;
  label: string;
  /** What the target lets Concord change on an issued invoice. */
  updates: { dueDate: boolean; lines: boolean };
  record: { externalId: string; status: InvoiceStatus; currency: string; totalMinor: bigint; dueDate: string | null };
};

export type UpdateWrite = {
  kind: "update_invoice";
  connectionId: string;
  externalId: string;
  patch: { dueDate?: string; lines?: LineSpec[] };
  conflictId: string;
  idempotencyKey: string;
};

export type DecisionOutcome = {
  writes: (UpdateWrite | { kind: "void_invoice"; connectionId: string; externalId: string; idempotencyKey: string })[];
  skipped: { connectionId: string; reason: string; conflictId: string }[];
  /** Fields decided for this invoice: no conflict is raised on them. */
  decided: Set<DecidedField>;
  /** A decision still being carried out here: payments wait until the totals agree. */
  pendingTotal: boolean;
};

const key = (...parts: string[]) => `concord:${parts.join(":")}`;

/** What the target holds for a decided field, as the decision states it. */
export function heldValue(record: DecidedTarget["record"], field: DecidedField): string | null {
  switch (field) {
    case "totalMinor":
      return record.totalMinor.toString();
    case "dueDate":
      return record.dueDate;
    case "status":
      return record.status;
    case "currency":
      return record.currency;
    case "presence":
      return "present";
  }
}

export function applyDecisions(invoiceId: string, decisions: Decision[], target: DecidedTarget): DecisionOutcome {
  const outcome: DecisionOutcome = { writes: [], skipped: [], decided: new Set(decisions.map((d) => d.field)), pendingTotal: false };
  const { record } = target;
  for (const decision of decisions) {
    if (heldValue(record, decision.field) === decision.value) continue;
    const skip = (reason: string) => outcome.skipped.push({ connectionId: target.connectionId, reason, conflictId: decision.conflictId });
    const update = (patch: UpdateWrite["patch"]) =>
      outcome.writes.push({ kind: "update_invoice", connectionId: target.connectionId, externalId: record.externalId, patch, conflictId: decision.conflictId, idempotencyKey: key(invoiceId, decision.conflictId, target.connectionId, "update") });
    switch (decision.field) {
      case "presence":
        break;
      case "currency":
        skip(`${target.label} cannot change the currency of an issued invoice`);
        break;
      case "status":
        if (decision.value === "VOID") outcome.writes.push({ kind: "void_invoice", connectionId: target.connectionId, externalId: record.externalId, idempotencyKey: key(invoiceId, target.connectionId, "void") });
        else if (record.status === "VOID") skip(`${target.label} cannot reopen a voided invoice`);
        // Other statuses follow from the payments, which the engine records as usual.
        else skip(`${target.label} shows the status its payments give it; Concord records payments, not statuses`);
        break;
      case "dueDate":
        if (record.status === "VOID") break;
        if (target.updates.dueDate) update({ dueDate: decision.value });
        else skip(`${target.label} cannot change the due date of an issued invoice`);
        break;
      case "totalMinor":
        if (record.status === "VOID") break;
        outcome.pendingTotal = true;
        if (!decision.lines) skip(`a typed-in total cannot be written to ${target.label}: take one system's lines instead`);
        else if (target.updates.lines) update({ lines: decision.lines });
        else skip(`${target.label} cannot change the lines of an issued invoice`);
        break;
    }
  }
  // One update per target and decision key; a due date and lines decided separately travel separately.
  return outcome;
}

/**
 * How far each decision got. `carried`: nothing is left to write for it (every system that can
 * take the value holds it; the others are in `notes` with the reason), so it stops steering and a
 * later change in the source of truth syncs as usual. `agreed`: every system holds the value, so
 * the conflict no longer stands and the same difference, should it come back, is a new conflict.
 */
export type Settlement = { conflictId: string; agreed: boolean; notes: string[] };

export function settleDecisions(
  decisions: Decision[],
  targets: DecidedTarget[],
  writes: { kind: string; conflictId?: string }[],
  skipped: { conflictId?: string; reason: string; connectionId: string }[],
  missingIn: string[],
): Settlement[] {
  return decisions.flatMap((d) => {
    const pending = writes.some((w) => w.conflictId === d.conflictId || (d.field === "status" && d.value === "VOID" && w.kind === "void_invoice") || (d.field === "presence" && w.kind === "create_invoice"));
    if (pending) return [];
    const holds = (t: DecidedTarget) => (t.record.status === "VOID" && d.field !== "status") || heldValue(t.record, d.field) === d.value;
    const notes = skipped.filter((s) => s.conflictId === d.conflictId).map((s) => s.reason);
    const agreed = targets.every(holds) && (d.field !== "presence" || missingIn.length === 0);
    return [{ conflictId: d.conflictId, agreed, notes: [...new Set(notes)] }];
  });
}
