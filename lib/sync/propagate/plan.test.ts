import { describe, expect, it } from "vitest";
import { planPropagation, syncedStateOf, type PlanInput, type TargetState } from "./plan";

const invoice: PlanInput["invoice"] = {
  id: "inv-1",
  version: 7,
  number: "INV-0042",
  currency: "USD",
  totalMinor: 10_000n,
  status: "PAID",
  issueDate: "2026-06-01",
  dueDate: "2026-07-01",
  memo: null,
  customer: { name: "Acme", email: "ap@acme.test", externalIds: {} },
  lines: [{ description: "Work", quantity: "1", unitAmountMinor: 10_000n }],
};

function target(connectionId: string, provider: TargetState["provider"], record: Partial<NonNullable<TargetState["record"]>> | null, over: Partial<TargetState> = {}): TargetState {
  return {
    connectionId,
    provider,
    status: "ACTIVE",
    connectedOn: "2026-01-01",
    record: record === null ? null : { externalId: `${connectionId}-inv`, status: "OPEN", currency: "USD", totalMinor: 10_000n, amountPaidMinor: 0n, amountDueMinor: 10_000n, dueDate: "2026-07-01", ...record },
    refunds: provider !== "HUBSPOT",
    ...over,
  };
}

const stripePaid = { id: "pay-1", kind: "PAYMENT" as const, amountMinor: 10_000n, currency: "USD", paidOn: "2026-06-10", seenBy: ["stripe"] };
const base = (over: Partial<PlanInput>): PlanInput => ({
  invoice,
  payments: [stripePaid],
  paymentSource: "stripe",
  targets: [target("stripe", "STRIPE", { status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n }), target("qbo", "QUICKBOOKS", {}), target("xero", "XERO", {}), target("hubspot", "HUBSPOT", {})],
  ...over,
});

describe("planning propagation", () => {
  it("records the gateway's payment once in every system that has not seen it, with stable keys", () => {
    const plan = planPropagation(base({}));
    expect(plan.conflicts).toEqual([]);
    expect(plan.writes.map((w) => [w.kind, w.connectionId])).toEqual([
      ["record_payment", "hubspot"],
      ["record_payment", "qbo"],
      ["record_payment", "xero"],
    ]);
    expect(plan.writes[1]).toMatchObject({ externalId: "qbo-inv", amountMinor: 10_000n, currency: "USD", paidOn: "2026-06-10", idempotencyKey: "concord:inv-1:pay-1:qbo:payment" });
    // Planned again (a retry, a duplicate webhook), it is the same plan: the same keys.
    expect(planPropagation(base({}))).toEqual(plan);
  });

  it("records partial payments one by one, never beyond what the target says is due", () => {
    const payments = [
      { id: "p2", kind: "PAYMENT" as const, amountMinor: 3_000n, currency: "USD", paidOn: "2026-06-20", seenBy: ["stripe"] },
      { id: "p1", kind: "PAYMENT" as const, amountMinor: 5_000n, currency: "USD", paidOn: "2026-06-10", seenBy: ["stripe", "xero"] },
    ];
    const plan = planPropagation(base({ payments, invoice: { ...invoice, status: "PARTIALLY_PAID" }, targets: [target("qbo", "QUICKBOOKS", {}), target("xero", "XERO", { amountPaidMinor: 5_000n, amountDueMinor: 5_000n, status: "PARTIALLY_PAID" })] }));
    expect(plan.writes.map((w) => (w.kind === "record_payment" ? `${w.connectionId}:${w.paymentId}` : w.kind))).toEqual(["qbo:p1", "qbo:p2", "xero:p2"]);
    // A target that already shows the money paid (recorded there by hand) gets nothing twice.
    const settled = planPropagation(base({ targets: [target("qbo", "QUICKBOOKS", { status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n })] }));
    expect(settled.writes).toEqual([]);
  });

  it("takes a payment the target already shows as paid (entered by hand, or a bare amount) as there, and records only the rest", () => {
    const first = { id: "pay-1", kind: "PAYMENT" as const, amountMinor: 4_000n, currency: "USD", paidOn: "2026-06-05", seenBy: ["stripe"] };
    const second = { id: "pay-2", kind: "PAYMENT" as const, amountMinor: 6_000n, currency: "USD", paidOn: "2026-06-10", seenBy: ["stripe"] };
    const plan = planPropagation(base({ payments: [first, second], targets: [target("stripe", "STRIPE", { status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n }), target("hubspot", "HUBSPOT", { status: "PARTIALLY_PAID", amountPaidMinor: 4_000n, amountDueMinor: 6_000n })] }));
    expect(plan.writes).toEqual([expect.objectContaining({ kind: "record_payment", connectionId: "hubspot", paymentId: "pay-2", amountMinor: 6_000n })]);
  });

  it("propagates only the payment source's payments", () => {
    const typedInQuickbooks = { ...stripePaid, id: "pay-q", seenBy: ["qbo"] };
    const plan = planPropagation(base({ payments: [typedInQuickbooks], targets: [target("xero", "XERO", {})] }));
    expect(plan.writes).toEqual([]);
  });

  it("raises a conflict instead of writing where the amount or currency differs", () => {
    const plan = planPropagation(base({ targets: [target("xero", "XERO", { totalMinor: 12_000n, amountDueMinor: 12_000n }), target("qbo", "QUICKBOOKS", { currency: "EUR" })] }));
    expect(plan.writes).toEqual([]);
    expect(plan.conflicts).toEqual([
      { kind: "CURRENCY", field: "currency", connectionId: "qbo", canonical: "USD", target: "EUR", reason: expect.stringContaining("currencies") },
      { kind: "AMOUNT", field: "totalMinor", connectionId: "xero", canonical: "10000", target: "12000", reason: expect.stringContaining("totals") },
    ]);
  });

  it("voids where the invoice is still open, and pays nothing there", () => {
    const plan = planPropagation(base({ invoice: { ...invoice, status: "VOID" }, targets: [target("qbo", "QUICKBOOKS", {}), target("xero", "XERO", { status: "VOID", totalMinor: 0n })] }));
    expect(plan.writes).toEqual([{ kind: "void_invoice", connectionId: "qbo", externalId: "qbo-inv", idempotencyKey: "concord:inv-1:qbo:void" }]);
  });

  it("creates a missing issued invoice in accounting and CRM systems, never in the gateway or for history", () => {
    const open = { ...invoice, status: "OPEN" as const };
    const plan = planPropagation(base({ invoice: open, payments: [], targets: [target("stripe", "STRIPE", null), target("qbo", "QUICKBOOKS", null), target("xero", "XERO", null, { connectedOn: "2026-07-01" })] }));
    expect(plan.writes).toEqual([{ kind: "create_invoice", connectionId: "qbo", idempotencyKey: "concord:inv-1:qbo:create" }]);
    expect(plan.skipped.map((s) => s.connectionId)).toEqual(["stripe", "xero"]);
    // Missing from a system for history: a person decides (MISSING), the gateway's absence is no conflict.
    expect(plan.conflicts).toEqual([expect.objectContaining({ kind: "MISSING", field: "presence", connectionId: "xero", canonical: "INV-0042" })]);
    const draft = planPropagation(base({ invoice: { ...invoice, status: "DRAFT" }, payments: [], targets: [target("qbo", "QUICKBOOKS", null)] }));
    expect(draft.writes).toEqual([]);
  });

  it("pauses pushes to a connection that needs reconnecting", () => {
    const plan = planPropagation(base({ targets: [target("qbo", "QUICKBOOKS", {}, { status: "NEEDS_REAUTH" })] }));
    expect(plan.writes).toEqual([]);
    expect(plan.skipped).toEqual([{ connectionId: "qbo", reason: "needs reconnecting; resumes after Reconnect" }]);
    expect(plan.paused).toBe(true);
    expect(planPropagation(base({})).paused).toBe(false);
  });

  it("leaves a write that failed for good alone until it is retried", () => {
    const failedKeys = ["concord:inv-1:pay-1:qbo:payment"];
    const plan = planPropagation(base({ failedKeys }));
    expect(plan.writes.map((w) => w.connectionId)).toEqual(["hubspot", "xero"]);
    expect(plan.skipped).toEqual([{ connectionId: "qbo", reason: "record payment failed; waiting for Retry" }]);
  });

  it("records the source's refunds where refunds can be held, within what the target shows paid", () => {
    const refund = { id: "ref-1", kind: "REFUND" as const, amountMinor: 4_000n, currency: "USD", paidOn: "2026-06-12", seenBy: ["stripe"] };
    const paidEverywhere = { status: "PAID" as const, amountPaidMinor: 10_000n, amountDueMinor: 0n };
    const plan = planPropagation(base({ payments: [{ ...stripePaid, seenBy: ["stripe", "qbo", "hubspot", "xero"] }, refund], targets: [target("qbo", "QUICKBOOKS", paidEverywhere), target("hubspot", "HUBSPOT", paidEverywhere), target("xero", "XERO", paidEverywhere)] }));
    expect(plan.writes.map((w) => [w.kind, w.connectionId, w.idempotencyKey])).toEqual([
      ["record_refund", "qbo", "concord:inv-1:ref-1:qbo:refund"],
      ["record_refund", "xero", "concord:inv-1:ref-1:xero:refund"],
    ]);
    // Not before the payment it returns is there, and never twice.
    const unpaid = planPropagation(base({ payments: [stripePaid, refund], targets: [target("qbo", "QUICKBOOKS", {})] }));
    expect(unpaid.writes.map((w) => w.kind)).toEqual(["record_payment"]);
    const seen = planPropagation(base({ payments: [{ ...stripePaid, seenBy: ["stripe", "qbo"] }, { ...refund, seenBy: ["stripe", "qbo"] }], targets: [target("qbo", "QUICKBOOKS", paidEverywhere)] }));
    expect(seen.writes).toEqual([]);
  });

  it("raises a status conflict, not a write, when money arrived on an invoice voided on the other side", () => {
    const voidedThere = planPropagation(base({ targets: [target("qbo", "QUICKBOOKS", { status: "VOID" })] }));
    expect(voidedThere.writes).toEqual([]);
    expect(voidedThere.conflicts).toEqual([expect.objectContaining({ kind: "STATUS", field: "status", connectionId: "qbo", canonical: "PAID", target: "VOID" })]);
    const paidThere = planPropagation(base({ invoice: { ...invoice, status: "VOID" }, payments: [], targets: [target("qbo", "QUICKBOOKS", { status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n })] }));
    expect(paidThere.writes).toEqual([]);
    expect(paidThere.conflicts.map((c) => c.kind)).toEqual(["STATUS"]);
  });

  it("raises a conflict where a field moved on both sides since the last sync, and only then", () => {
    const open = { ...invoice, status: "OPEN" as const };
    const before = base({ invoice: open, payments: [], targets: [target("qbo", "QUICKBOOKS", {}), target("xero", "XERO", {})] });
    const synced = syncedStateOf(before);
    expect(synced).toEqual({ canonical: { status: "OPEN", dueDate: "2026-07-01" }, targets: { qbo: { status: "OPEN", dueDate: "2026-07-01" }, xero: { status: "OPEN", dueDate: "2026-07-01" } } });
    // The source moved the due date and Xero moved it elsewhere: a person decides.
    const both = planPropagation({ ...before, synced, invoice: { ...open, dueDate: "2026-07-15" }, targets: [target("qbo", "QUICKBOOKS", { dueDate: "2026-07-15" }), target("xero", "XERO", { dueDate: "2026-08-01" })] });
    expect(both.conflicts).toEqual([expect.objectContaining({ kind: "DATE", field: "dueDate", connectionId: "xero", canonical: "2026-07-15", target: "2026-08-01", reason: "changed on both sides since the last sync" })]);
    // Only the source moved it: no conflict (the target is behind, not in disagreement).
    const oneSide = planPropagation({ ...before, synced, invoice: { ...open, dueDate: "2026-07-15" } });
    expect(oneSide.conflicts).toEqual([]);
    // Before any completed sync there is nothing to compare with.
    expect(planPropagation({ ...before, invoice: { ...open, dueDate: "2026-07-15" }, targets: [target("xero", "XERO", { dueDate: "2026-08-01" })] }).conflicts).toEqual([]);
    // Paid in the gateway while someone marked it partly paid in Xero by hand: both moved, to different statuses.
    const status = planPropagation({ ...before, synced, invoice, payments: [stripePaid], targets: [target("xero", "XERO", { status: "PARTIALLY_PAID", amountPaidMinor: 2_000n, amountDueMinor: 8_000n })] });
    expect(status.conflicts.map((c) => [c.kind, c.canonical, c.target])).toEqual([["STATUS", "PAID", "PARTIALLY_PAID"]]);
    expect(status.writes).toEqual([]);
  });

  describe("carrying out people's decisions on conflicts", () => {
    const open = { ...invoice, status: "OPEN" as const };
    const updatable = { label: "Xero", updates: { dueDate: true, lines: true } };
    const frozen = { label: "Stripe", updates: { dueDate: false, lines: false } };
    const lines = [{ description: "Work", quantity: "1", unitAmountMinor: 12_000n }];

    it("writes a taken total's lines where the total differs, raises no conflict, and holds payments until totals agree", () => {
      const plan = planPropagation(
        base({
          invoice: open,
          payments: [],
          decisions: [{ conflictId: "c1", field: "totalMinor", value: "12000", lines }],
          targets: [target("xero", "XERO", { totalMinor: 12_000n, amountDueMinor: 12_000n }, updatable), target("qbo", "QUICKBOOKS", {}, { label: "QuickBooks", updates: { dueDate: true, lines: true } }), target("stripe", "STRIPE", {}, frozen)],
        }),
      );
      expect(plan.conflicts).toEqual([]);
      expect(plan.writes).toEqual([{ kind: "update_invoice", connectionId: "qbo", externalId: "qbo-inv", patch: { lines }, conflictId: "c1", idempotencyKey: "concord:inv-1:c1:qbo:update" }]);
      expect(plan.skipped).toContainEqual({ connectionId: "stripe", reason: "Stripe cannot change the lines of an issued invoice" });
      expect(plan.settled).toEqual([]);
    });

    it("settles a decision once every system holds the decided value", () => {
      const plan = planPropagation(base({ invoice: { ...open, dueDate: "2026-08-01" }, payments: [], decisions: [{ conflictId: "c2", field: "dueDate", value: "2026-08-01", lines: null }], targets: [target("xero", "XERO", { dueDate: "2026-08-01" }, updatable), target("qbo", "QUICKBOOKS", { dueDate: "2026-08-01" }, updatable)] }));
      expect(plan.writes).toEqual([]);
      expect(plan.settled).toEqual([{ conflictId: "c2", agreed: true, notes: [] }]);
    });

    it("voids where a person decided the invoice is void, and says why a voided invoice cannot come back", () => {
      const voided = planPropagation(base({ decisions: [{ conflictId: "c3", field: "status", value: "VOID", lines: null }], targets: [target("qbo", "QUICKBOOKS", { status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n }, updatable)] }));
      expect(voided.conflicts).toEqual([]);
      expect(voided.writes).toEqual([{ kind: "void_invoice", connectionId: "qbo", externalId: "qbo-inv", idempotencyKey: "concord:inv-1:qbo:void" }]);
      const kept = planPropagation(base({ decisions: [{ conflictId: "c4", field: "status", value: "PAID", lines: null }], targets: [target("xero", "XERO", { status: "VOID" }, updatable)] }));
      expect(kept.conflicts).toEqual([]);
      expect(kept.skipped).toContainEqual({ connectionId: "xero", reason: "Xero cannot reopen a voided invoice" });
    });

    it("carries a decision as far as the systems allow, with the reason where one cannot take it", () => {
      const decisions = [{ conflictId: "c5", field: "dueDate" as const, value: "2026-08-01", lines: null }];
      const targets = [target("xero", "XERO", {}, updatable), target("stripe", "STRIPE", {}, frozen)];
      const first = planPropagation(base({ invoice: open, payments: [], decisions, targets }));
      expect(first.writes).toEqual([expect.objectContaining({ kind: "update_invoice", connectionId: "xero", patch: { dueDate: "2026-08-01" }, conflictId: "c5" })]);
      expect(first.settled).toEqual([]);
      const after = planPropagation(base({ invoice: open, payments: [], decisions, targets: [target("xero", "XERO", { dueDate: "2026-08-01" }, updatable), target("stripe", "STRIPE", {}, frozen)] }));
      expect(after.writes).toEqual([]);
      expect(after.settled).toEqual([{ conflictId: "c5", agreed: false, notes: ["Stripe cannot change the due date of an issued invoice"] }]);
    });

    it("creates a missing invoice where a person asked for it, history or not, and settles once every system holds it", () => {
      const decisions = [{ conflictId: "c6", field: "presence" as const, value: "present", lines: null }];
      const missing = planPropagation(base({ invoice: open, payments: [], decisions, targets: [target("stripe", "STRIPE", {}), target("xero", "XERO", null, { connectedOn: "2026-07-01" })] }));
      expect(missing.conflicts).toEqual([]);
      expect(missing.writes).toEqual([{ kind: "create_invoice", connectionId: "xero", idempotencyKey: "concord:inv-1:xero:create" }]);
      expect(missing.settled).toEqual([]);
      const held = planPropagation(base({ invoice: open, payments: [], decisions, targets: [target("stripe", "STRIPE", {}), target("xero", "XERO", {})] }));
      expect(held.settled).toEqual([{ conflictId: "c6", agreed: true, notes: [] }]);
    });
  });

  it("creates nothing while a possible match or duplicate waits for a person", () => {
    const open = { ...invoice, status: "OPEN" as const };
    const plan = planPropagation(base({ invoice: open, payments: [], awaitingMatch: true, targets: [target("stripe", "STRIPE", {}), target("qbo", "QUICKBOOKS", null)] }));
    expect(plan.writes).toEqual([]);
    expect(plan.conflicts).toEqual([]);
    expect(plan.skipped).toEqual([{ connectionId: "qbo", reason: "waiting for a person to decide on a possible match or duplicate" }]);
  });

  describe("auto-resolution rules", () => {
    it("accepts totals within rounding, records that, and still records the payment", () => {
      const targets = [target("stripe", "STRIPE", { status: "PAID", amountPaidMinor: 10_000n, amountDueMinor: 0n }), target("qbo", "QUICKBOOKS", { totalMinor: 10_001n, amountDueMinor: 10_001n })];
      const off = planPropagation(base({ targets }));
      expect(off.conflicts.map((c) => c.kind)).toEqual(["AMOUNT"]);
      expect(off.writes).toEqual([]);
      const on = planPropagation(base({ targets, autoResolve: { roundingMinor: 1, dueDateFromSource: false } }));
      expect(on.conflicts).toEqual([]);
      expect(on.autoResolved).toEqual([expect.objectContaining({ kind: "AMOUNT", connectionId: "qbo", canonical: "10000", target: "10001", rule: "rounding", decidedValue: null })]);
      expect(on.writes).toEqual([expect.objectContaining({ kind: "record_payment", connectionId: "qbo", amountMinor: 10_000n })]);
      // Two cents is not rounding under a one-cent rule.
      const far = planPropagation(base({ targets: [targets[0]!, target("qbo", "QUICKBOOKS", { totalMinor: 10_002n })], autoResolve: { roundingMinor: 1, dueDateFromSource: false } }));
      expect(far.conflicts.map((c) => c.kind)).toEqual(["AMOUNT"]);
    });

    it("takes the source of truth's due date where it moved on both sides, as a decision to carry out", () => {
      const open = { ...invoice, status: "OPEN" as const };
      const before = base({ invoice: open, payments: [], targets: [target("qbo", "QUICKBOOKS", {}), target("xero", "XERO", {})] });
      const synced = syncedStateOf(before);
      const plan = planPropagation({ ...before, synced, invoice: { ...open, dueDate: "2026-07-15" }, targets: [target("qbo", "QUICKBOOKS", { dueDate: "2026-07-15" }), target("xero", "XERO", { dueDate: "2026-08-01" })], autoResolve: { roundingMinor: 0, dueDateFromSource: true } });
      expect(plan.conflicts).toEqual([]);
      expect(plan.autoResolved).toEqual([expect.objectContaining({ kind: "DATE", connectionId: "xero", rule: "due_date_from_source", decidedValue: "2026-07-15" })]);
    });

  });
});
