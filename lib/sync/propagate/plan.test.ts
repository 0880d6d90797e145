import { describe, expect, it } from "vitest";
import { planPropagation, type PlanInput, type TargetState } from "./plan";

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
    record: record === null ? null : { externalId: `${connectionId}-inv`, status: "OPEN", currency: "USD", totalMinor: 10_000n, amountPaidMinor: 0n, amountDueMinor: 10_000n, ...record },
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

  it("propagates only the payment source's payments", () => {
    const typedInQuickbooks = { ...stripePaid, id: "pay-q", seenBy: ["qbo"] };
    const plan = planPropagation(base({ payments: [typedInQuickbooks], targets: [target("xero", "XERO", {})] }));
    expect(plan.writes).toEqual([]);
  });

  it("raises a conflict instead of writing where the amount or currency differs", () => {
    const plan = planPropagation(base({ targets: [target("xero", "XERO", { totalMinor: 12_000n, amountDueMinor: 12_000n }), target("qbo", "QUICKBOOKS", { currency: "EUR" })] }));
    expect(plan.writes).toEqual([]);
    expect(plan.conflicts).toEqual([
      { kind: "CURRENCY", field: "currency", connectionId: "qbo", canonical: "USD", target: "EUR" },
      { kind: "AMOUNT", field: "totalMinor", connectionId: "xero", canonical: "10000", target: "12000" },
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
    const draft = planPropagation(base({ invoice: { ...invoice, status: "DRAFT" }, payments: [], targets: [target("qbo", "QUICKBOOKS", null)] }));
    expect(draft.writes).toEqual([]);
  });

  it("pauses pushes to a connection that needs reconnecting", () => {
    const plan = planPropagation(base({ targets: [target("qbo", "QUICKBOOKS", {}, { status: "NEEDS_REAUTH" })] }));
    expect(plan.writes).toEqual([]);
    expect(plan.skipped).toEqual([{ connectionId: "qbo", reason: "needs reconnecting; resumes after Reconnect" }]);
  });
});
