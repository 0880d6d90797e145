/**
 * What to write where, so every connected system agrees with the canonical invoice. Pure: the
 * canonical invoice, its payments and what each system holds in, a plan out (writes per target,
 * conflicts, and targets left alone with the reason). The sync engine carries the writes out.
 *
 * - A payment the source of truth for payments holds and a target has not seen is recorded there
 *   (partial payments one by one), in the invoice's currency, never beyond what the target says
 *   is due (so a payment it recorded on its own is not recorded twice).
 * - A canonical void voids the invoice where it is still open.
 * - A system that should hold every invoice (accounting, CRM) and lacks an issued one gets it
 *   created, unless the invoice predates the connection (history is not replayed into new tools).
 * - Where the target disagrees on what rules cannot settle (another total or currency), nothing is
 *   written to it: a conflict is raised with each system's value.
 * Idempotency keys come from (canonical invoice, payment, target) and the kind of write, so a
 * retried or re-planned write is the same write, whatever versions came in between.
 */
import type { InvoiceStatus } from "../../connectors/types";
import type { ProviderName } from "../canonical";

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
  } | null;
};

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
};

export type Write =
  | { kind: "create_invoice"; connectionId: string; idempotencyKey: string }
  | { kind: "record_payment"; connectionId: string; externalId: string; paymentId: string; amountMinor: bigint; currency: string; paidOn: string; idempotencyKey: string }
  | { kind: "void_invoice"; connectionId: string; externalId: string; idempotencyKey: string };

export type PlannedConflict = { kind: "AMOUNT" | "CURRENCY"; field: string; connectionId: string; canonical: string; target: string };

export type Plan = { writes: Write[]; conflicts: PlannedConflict[]; skipped: { connectionId: string; reason: string }[] };

export const DEFAULT_CREATE_IN: ProviderName[] = ["QUICKBOOKS", "XERO", "HUBSPOT"];

const key = (...parts: (string | number)[]) => `concord:${parts.join(":")}`;

export function planPropagation(input: PlanInput): Plan {
  const { invoice } = input;
  const createIn = new Set(input.createIn ?? DEFAULT_CREATE_IN);
  const plan: Plan = { writes: [], conflicts: [], skipped: [] };

  for (const target of [...input.targets].sort((a, b) => (a.connectionId < b.connectionId ? -1 : 1))) {
    if (target.status !== "ACTIVE") {
      plan.skipped.push({ connectionId: target.connectionId, reason: target.status === "NEEDS_REAUTH" ? "needs reconnecting; resumes after Reconnect" : `connection ${target.status.toLowerCase()}` });
      continue;
    }
    const record = target.record;
    if (!record || record.status === "DELETED") {
      const issued = invoice.status !== "DRAFT" && invoice.status !== "VOID";
      if (!createIn.has(target.provider)) plan.skipped.push({ connectionId: target.connectionId, reason: "does not hold invoices it did not issue" });
      else if (!issued) plan.skipped.push({ connectionId: target.connectionId, reason: "only issued invoices are created" });
      else if (!invoice.issueDate || invoice.issueDate < target.connectedOn) plan.skipped.push({ connectionId: target.connectionId, reason: "issued before the connection was made" });
      // One invoice per (invoice, target), ever: the key must not change when the version does.
      else plan.writes.push({ kind: "create_invoice", connectionId: target.connectionId, idempotencyKey: key(invoice.id, target.connectionId, "create") });
      continue;
    }
    if (record.currency !== invoice.currency) {
      plan.conflicts.push({ kind: "CURRENCY", field: "currency", connectionId: target.connectionId, canonical: invoice.currency, target: record.currency });
      continue;
    }
    if (record.status !== "VOID" && invoice.status !== "VOID" && record.totalMinor !== invoice.totalMinor) {
      plan.conflicts.push({ kind: "AMOUNT", field: "totalMinor", connectionId: target.connectionId, canonical: invoice.totalMinor.toString(), target: record.totalMinor.toString() });
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
    // Payments this target has not seen, oldest first, as long as it still shows money due.
    let due = record.amountDueMinor;
    for (const payment of [...input.payments].sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : a.id < b.id ? -1 : 1))) {
      if (payment.kind !== "PAYMENT" || payment.currency !== invoice.currency) continue;
      if (!input.paymentSource || !payment.seenBy.includes(input.paymentSource) || payment.seenBy.includes(target.connectionId)) continue;
      if (payment.amountMinor <= 0n || payment.amountMinor > due) continue;
      due -= payment.amountMinor;
      plan.writes.push({
        kind: "record_payment",
        connectionId: target.connectionId,
        externalId: record.externalId,
        paymentId: payment.id,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        paidOn: payment.paidOn,
        idempotencyKey: key(invoice.id, payment.id, target.connectionId, "payment"),
      });
    }
  }
  return plan;
}
