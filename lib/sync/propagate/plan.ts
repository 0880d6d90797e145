/**
 * What to write where, so every connected system agrees with the canonical invoice. Pure: the
 * canonical invoice, its payments and what each system holds in, a plan out (writes per target,
 * conflicts, and targets left alone with the reason). The sync engine carries the writes out.
 *
 * - A payment the source of truth for payments holds and a target has not seen is recorded there
 *   (partial payments one by one), in the invoice's currency, never beyond what the target says
 *   is due (so a payment it recorded on its own is not recorded twice).
 * - A refund the source holds is recorded where the target can hold refunds, never beyond what
 *   the target shows paid less the refunds it already has.
 * - A canonical void voids the invoice where it is still open.
 * - A system that should hold every invoice (accounting, CRM) and lacks an issued one gets it
 *   created, unless the invoice predates the connection (history is not replayed into new tools).
 * - Where the target disagrees on what rules cannot settle, nothing is written to it: a conflict
 *   is raised with each system's value. That is another total or currency; money received on an
 *   invoice voided on the other side; and a status or due date that moved on both sides since the
 *   last completed sync (`synced`, the values every system showed then) to different values.
 * - A write that failed for good (`failedKeys`) waits for a person's Retry; a target that needs
 *   reconnecting is paused (`paused`), and resumes when it is reconnected.
 * Idempotency keys come from (canonical invoice, payment, target) and the kind of write, so a
 * retried or re-planned write is the same write, whatever versions came in between.
 */
import type { InvoiceStatus } from "../../connectors/types";
import type { ProviderName } from "../canonical";
import { applyDecisions, settleDecisions, type DecidedField, type DecidedTarget, type Decision, type Settlement, type UpdateWrite } from "./decisions";

export type TargetState = {
  connectionId: string;
  provider: ProviderName;
  status: "ACTIVE" | "NEEDS_REAUTH" | "DISCONNECTED" | "ERROR";
  /** The calendar day the connection was made: invoices issued before it are not created there. */
  connectedOn: string;
  /** The target's record of this invoice, or null when it has none. */
  record: {
    externalId: string;
    status: InvoiceStatus | "DELETED";
    currency: string;
    totalMinor: bigint;
    amountPaidMinor: bigint;
    amountDueMinor: bigint;
    dueDate: string | null;
  } | null;
  /** Whether refunds can be written there (HubSpot has no refund object). */
  refunds: boolean;
  /** The system's name for people ("QuickBooks") and what it lets Concord change on an issued invoice. */
  label?: string;
  updates?: { dueDate: boolean; lines: boolean };
};

/** What each system showed after the last completed sync, by connection, and the canonical values then. */
export type SyncedState = {
  canonical: SyncedValues;
  targets: Record<string, SyncedValues>;
};
export type SyncedValues = { status: string; dueDate: string | null };

export type CanonicalPayment = { id: string; kind: "PAYMENT" | "REFUND"; amountMinor: bigint; currency: string; paidOn: string; seenBy: string[] };

export type PlanInput = {
  invoice: {
    id: string;
    version: number;
    number: string | null;
    currency: string;
    totalMinor: bigint;
    status: InvoiceStatus;
    issueDate: string | null;
    dueDate: string | null;
    memo: string | null;
    customer: { name: string; email: string | null; externalIds: Record<string, string> } | null;
    lines: { description: string; quantity: string; unitAmountMinor: bigint }[];
  };
  payments: CanonicalPayment[];
  /** The connection whose payments are the truth (the source of truth for payments); only its payments are propagated. */
  paymentSource: string | null;
  targets: TargetState[];
  /** Systems that should hold every issued invoice (created there when missing). */
  createIn?: ProviderName[];
  /** Idempotency keys of writes that failed for good: left alone until retried. */
  failedKeys?: string[];
  /** The state after the last completed sync, or null before the first. */
  synced?: SyncedState | null;
  /** People's decisions on this invoice's conflicts, not yet carried out (./decisions.ts). */
  decisions?: Decision[];
  /** An open DUPLICATE or POSSIBLE_MATCH names this invoice: it is created nowhere until a person decides. */
  awaitingMatch?: boolean;
  /** The workspace's auto-resolution rules (Settings). */
  autoResolve?: AutoResolveRules;
  /** Planning history seen on first pulls (lib/sync/review.ts): an invoice missing somewhere is a question for a person, never a create. */
  history?: boolean;
};

/** Differences the engine settles by itself, recorded as such. `roundingMinor`: totals this close (in minor units) agree. */
export type AutoResolveRules = { roundingMinor: number; dueDateFromSource: boolean };
export const NO_AUTO_RESOLVE: AutoResolveRules = { roundingMinor: 0, dueDateFromSource: false };

export type Write =
  | { kind: "create_invoice"; connectionId: string; idempotencyKey: string }
  | { kind: "record_payment"; connectionId: string; externalId: string; paymentId: string; amountMinor: bigint; currency: string; paidOn: string; idempotencyKey: string }
  | { kind: "record_refund"; connectionId: string; externalId: string; paymentId: string; amountMinor: bigint; currency: string; paidOn: string; idempotencyKey: string }
  | { kind: "void_invoice"; connectionId: string; externalId: string; idempotencyKey: string }
  | UpdateWrite;

export type ConflictKind = "AMOUNT" | "CURRENCY" | "STATUS" | "DATE" | "MISSING";
export type PlannedConflict = { kind: ConflictKind; field: string; connectionId: string; canonical: string; target: string; reason: string };
/** A difference an auto-resolution rule settled: `decidedValue` becomes a decision when the rule takes a value (the due date), null when the difference is accepted (rounding). */
export type AutoResolved = PlannedConflict & { rule: "rounding" | "due_date_from_source"; decidedValue: string | null };

/**
 * `paused`: a target waits for Reconnect, so the invoice is not settled yet. `settled`: decisions
 * with nothing left to write (./decisions.ts). `autoResolved`: differences the workspace's rules settled.
 */
export type Plan = {
  writes: Write[];
  conflicts: PlannedConflict[];
  autoResolved: AutoResolved[];
  skipped: { connectionId: string; reason: string }[];
  paused: boolean;
  settled: Settlement[];
};

export const DEFAULT_CREATE_IN: ProviderName[] = ["QUICKBOOKS", "XERO", "HUBSPOT"];

const key = (...parts: (string | number)[]) => `concord:${parts.join(":")}`;

export function planPropagation(input: PlanInput): Plan {
  const { invoice } = input;
  const createIn = new Set(input.createIn ?? DEFAULT_CREATE_IN);
  const plan: Plan = { writes: [], conflicts: [], autoResolved: [], skipped: [], paused: false, settled: [] };
  const decisions = input.decisions ?? [];
  const present = decisions.some((d) => d.field === "presence");
  const decidedVoid = decisions.some((d) => d.field === "status" && d.value === "VOID");
  const auto = input.autoResolve ?? NO_AUTO_RESOLVE;
  const decidedTargets: DecidedTarget[] = [];
  const decisionSkips: { connectionId: string; reason: string; conflictId: string }[] = [];
  const missingIn: string[] = [];
  const conflict = (target: TargetState, kind: ConflictKind, field: string, canonical: string, value: string, reason: string) =>
    plan.conflicts.push({ kind, field, connectionId: target.connectionId, canonical, target: value, reason });

  for (const target of [...input.targets].sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1))) {
    if (target.status !== "ACTIVE") {
      if (target.status === "NEEDS_REAUTH") plan.paused = true;
      plan.skipped.push({ connectionId: target.connectionId, reason: target.status === "NEEDS_REAUTH" ? "needs reconnecting; resumes after Reconnect" : `connection ${target.status.toLowerCase()}` });
      continue;
    }
    const record = target.record;
    if (!record || record.status === "DELETED") {
      const issued = invoice.status !== "DRAFT" && invoice.status !== "VOID";
      if (createIn.has(target.provider) && issued) missingIn.push(target.connectionId);
      if (!createIn.has(target.provider)) plan.skipped.push({ connectionId: target.connectionId, reason: "does not hold invoices it did not issue" });
      else if (!issued) plan.skipped.push({ connectionId: target.connectionId, reason: "only issued invoices are created" });
      else if (decidedVoid) plan.skipped.push({ connectionId: target.connectionId, reason: "decided void: not created elsewhere" });
      else if (input.awaitingMatch) plan.skipped.push({ connectionId: target.connectionId, reason: "waiting for a person to decide on a possible match or duplicate" });
      else if (!present && (input.history || !invoice.issueDate || invoice.issueDate < target.connectedOn)) {
        // History is not replayed into a new tool unasked: a person decides (MISSING).
        plan.skipped.push({ connectionId: target.connectionId, reason: "issued before the connection was made" });
        conflict(target, "MISSING", "presence", invoice.number ?? invoice.id, "", "the invoice is missing from a system that should hold it");
      }
      // One invoice per (invoice, target), ever: the key must not change when the version does.
      else plan.writes.push({ kind: "create_invoice", connectionId: target.connectionId, idempotencyKey: key(invoice.id, target.connectionId, "create") });
      continue;
    }
    let decided = new Set<DecidedField>();
    if (decisions.length > 0) {
      const held: DecidedTarget = { connectionId: target.connectionId, label: target.label ?? target.provider, updates: target.updates ?? { dueDate: false, lines: false }, record: { ...record, status: record.status } };
      decidedTargets.push(held);
      const outcome = applyDecisions(invoice.id, decisions, held);
      plan.writes.push(...outcome.writes);
      plan.skipped.push(...outcome.skipped.map(({ connectionId, reason }) => ({ connectionId, reason })));
      decisionSkips.push(...outcome.skipped);
      decided = outcome.decided;
      if (outcome.pendingTotal) continue;
    }
    if (record.currency !== invoice.currency) {
      if (!decided.has("currency")) conflict(target, "CURRENCY", "currency", invoice.currency, record.currency, "the systems hold the invoice in different currencies");
      continue;
    }
    const totalGap = record.totalMinor - invoice.totalMinor;
    if (record.status !== "VOID" && invoice.status !== "VOID" && totalGap !== 0n && !decided.has("totalMinor")) {
      const rounding = (totalGap < 0n ? -totalGap : totalGap) <= BigInt(auto.roundingMinor);
      const found = { kind: "AMOUNT" as const, field: "totalMinor", connectionId: target.connectionId, canonical: invoice.totalMinor.toString(), target: record.totalMinor.toString() };
      if (!rounding) {
        plan.conflicts.push({ ...found, reason: "the systems hold different totals" });
        continue;
      }
      // Within rounding: the source of truth's total stands, the target keeps its own, payments go on.
      plan.autoResolved.push({ ...found, reason: "within rounding: the source of truth's total stands", rule: "rounding", decidedValue: null });
    } else if (record.status !== "VOID" && invoice.status !== "VOID" && totalGap !== 0n) {
      continue;
    }
    const paidHere = (s: string) => s === "PAID" || s === "PARTIALLY_PAID";
    if ((record.status === "VOID" && paidHere(invoice.status)) || (invoice.status === "VOID" && paidHere(record.status))) {
      if (!decided.has("status")) conflict(target, "STATUS", "status", invoice.status, record.status, "money was received on an invoice voided on the other side");
      continue;
    }
    const moved = movedOnBothSides(input.synced ?? null, target, invoice, decided);
    if (moved && moved.field === "dueDate" && auto.dueDateFromSource && moved.canonical) {
      // The source of truth's due date is taken as a person would in the inbox: a decision, carried out next.
      plan.autoResolved.push({ kind: "DATE", field: "dueDate", connectionId: target.connectionId, canonical: moved.canonical, target: moved.target ?? "", reason: "changed on both sides: the source of truth's due date is taken", rule: "due_date_from_source", decidedValue: moved.canonical });
      continue;
    }
    if (moved) {
      conflict(target, moved.field === "status" ? "STATUS" : "DATE", moved.field, moved.canonical ?? "", moved.target ?? "", "changed on both sides since the last sync");
      continue;
    }
    if (invoice.status === "VOID") {
      if (record.status !== "VOID") plan.writes.push({ kind: "void_invoice", connectionId: target.connectionId, externalId: record.externalId, idempotencyKey: key(invoice.id, target.connectionId, "void") });
      continue;
    }
    if (record.status === "VOID") {
      plan.skipped.push({ connectionId: target.connectionId, reason: "void there; a voided invoice takes no payments" });
      continue;
    }
    plan.writes.push(...moneyWrites(input, target, record));
  }
  // A write planned twice (a decided void and the canonical void) is one write.
  plan.writes = plan.writes.filter((w, i) => plan.writes.findIndex((o) => o.idempotencyKey === w.idempotencyKey) === i);
  plan.settled = decisions.length > 0 ? settleDecisions(decisions, decidedTargets, plan.writes, decisionSkips, missingIn) : [];
  const failed = new Set(input.failedKeys ?? []);
  for (const write of plan.writes.filter((w) => failed.has(w.idempotencyKey))) plan.skipped.push({ connectionId: write.connectionId, reason: `${write.kind.replace("_", " ")} failed; waiting for Retry` });
  plan.writes = plan.writes.filter((w) => !failed.has(w.idempotencyKey));
  return plan;
}

const byDate = (a: CanonicalPayment, b: CanonicalPayment) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.id < b.id ? -1 : 1);

/** Payments, then refunds, the source holds and this target has not seen, oldest first, within what the target shows due (or paid). */
function moneyWrites(input: PlanInput, target: TargetState, record: NonNullable<TargetState["record"]>): Write[] {
  const { invoice } = input;
  const unseen = input.payments
    .filter((p) => p.currency === invoice.currency && p.amountMinor > 0n)
    .filter((p) => input.paymentSource !== null && p.seenBy.includes(input.paymentSource) && !p.seenBy.includes(target.connectionId))
    .sort(byDate);
  const writes: Write[] = [];
  const write = (kind: "record_payment" | "record_refund", p: CanonicalPayment): Write => ({
    kind,
    connectionId: target.connectionId,
    externalId: record.externalId,
    paymentId: p.id,
    amountMinor: p.amountMinor,
    currency: p.currency,
    paidOn: p.paidOn,
    idempotencyKey: key(invoice.id, p.id, target.connectionId, kind === "record_payment" ? "payment" : "refund"),
  });
  let due = record.amountDueMinor;
  // Money the target shows paid that no payment Concord knows there accounts for: entered there by
  // hand, or held as a bare amount (HubSpot keeps no payment records). The oldest unseen payments
  // it covers are taken as already there, so nothing is recorded twice.
  const seenHere = input.payments.filter((p) => p.kind === "PAYMENT" && p.seenBy.includes(target.connectionId)).reduce((sum, p) => sum + p.amountMinor, 0n);
  let unaccounted = record.amountPaidMinor - seenHere;
  for (const payment of unseen.filter((p) => p.kind === "PAYMENT")) {
    if (payment.amountMinor <= unaccounted) {
      unaccounted -= payment.amountMinor;
      continue;
    }
    if (payment.amountMinor > due) continue;
    due -= payment.amountMinor;
    writes.push(write("record_payment", payment));
  }
  if (!target.refunds) return writes;
  // What the target shows paid (before the payments planned above land there) less the refunds it holds.
  const refundedThere = input.payments.filter((p) => p.kind === "REFUND" && p.seenBy.includes(target.connectionId)).reduce((sum, p) => sum + p.amountMinor, 0n);
  let refundable = record.amountPaidMinor - refundedThere;
  for (const refund of unseen.filter((p) => p.kind === "REFUND")) {
    if (refund.amountMinor > refundable) continue;
    refundable -= refund.amountMinor;
    writes.push(write("record_refund", refund));
  }
  return writes;
}

/** QuickBooks has no drafts: its OPEN is another system's DRAFT, so statuses compare folded. */
const folded = (status: string) => (status === "DRAFT" ? "OPEN" : status);

/**
 * A status or due date that both the source of truth (the canonical value) and this target
 * changed since the last completed sync, to different values: a person decides which is right.
 */
function movedOnBothSides(synced: SyncedState | null, target: TargetState, invoice: PlanInput["invoice"], decided: Set<DecidedField>): { field: "status" | "dueDate"; canonical: string | null; target: string | null } | null {
  const was = synced?.targets[target.connectionId];
  const record = target.record;
  if (!synced || !was || !record || record.status === "DELETED") return null;
  const pairs: ["status" | "dueDate", string | null, string | null, string | null, string | null][] = [
    ["status", folded(invoice.status), folded(synced.canonical.status), folded(record.status), folded(was.status)],
    ["dueDate", invoice.dueDate, synced.canonical.dueDate, record.dueDate, was.dueDate],
  ];
  for (const [field, now, then, there, thereThen] of pairs) {
    if (decided.has(field)) continue;
    if (now !== then && there !== thereThen && now !== there) return { field, canonical: now, target: there };
  }
  return null;
}

/** The state to remember once a sync completed: what every system and the canonical invoice show now. */
export function syncedStateOf(input: PlanInput): SyncedState {
  const targets: Record<string, SyncedValues> = {};
  for (const t of input.targets) if (t.record && t.record.status !== "DELETED") targets[t.connectionId] = { status: t.record.status, dueDate: t.record.dueDate };
  return { canonical: { status: input.invoice.status, dueDate: input.invoice.dueDate }, targets };
}
