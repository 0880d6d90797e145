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

export type DecidedField = "totalMinor" | "dueDate" | "status" | "currency";
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
  skipped: { connectionId: string; reason: string }[];
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
  }
}

export function applyDecisions(invoiceId: string, decisions: Decision[], target: DecidedTarget): DecisionOutcome {
  const outcome: DecisionOutcome = { writes: [], skipped: [], decided: new Set(decisions.map((d) => d.field)), pendingTotal: false };
  const { record } = target;
  const skip = (reason: string) => outcome.skipped.push({ connectionId: target.connectionId, reason });
  for (const decision of decisions) {
    if (heldValue(record, decision.field) === decision.value) continue;
    const update = (patch: UpdateWrite["patch"]) =>
      outcome.writes.push({ kind: "update_invoice", connectionId: target.connectionId, externalId: record.externalId, patch, conflictId: decision.conflictId, idempotencyKey: key(invoiceId, decision.conflictId, target.connectionId, "update") });
    switch (decision.field) {
      case "currency":
        skip(`${target.label} cannot change the currency of an issued invoice`);
        break;
      case "status":
        if (decision.value === "VOID") outcome.writes.push({ kind: "void_invoice", connectionId: target.connectionId, externalId: record.externalId, idempotencyKey: key(invoiceId, target.connectionId, "void") });
        else if (record.status === "VOID") skip(`${target.label} cannot reopen a voided invoice`);
        // Other statuses follow from the payments, which the engine records as usual.
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

/** Decisions every holding system now agrees with: settled, they stop steering. */
export function settledDecisions(decisions: Decision[], targets: DecidedTarget[]): string[] {
  return decisions.filter((d) => targets.every((t) => t.record.status === "VOID" && d.field !== "status" ? true : heldValue(t.record, d.field) === d.value)).map((d) => d.conflictId);
}
