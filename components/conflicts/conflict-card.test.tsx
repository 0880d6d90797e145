/** A conflict as the inbox renders it: values side by side with differences said in words, decisions only for roles that may decide, push outcomes. */
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ConflictView } from "@/lib/conflicts/schemas";
import { ConflictCard } from "./conflict-card";
import { formatValue, possessive } from "./format";

const invoice = {
  id: "inv_1",
  number: "INV-01042",
  customer: { id: "cus_1", name: "Acme Ltd" },
  currency: "USD",
  totalMinor: "123450",
  amountPaidMinor: "0",
  amountDueMinor: "123450",
  status: "OPEN" as const,
  issueDate: "2026-11-01",
  dueDate: "2026-12-01",
  disagreement: true,
  systems: [],
  version: 3,
  updatedAt: "2026-11-02T00:00:00.000Z",
};

const amount: ConflictView = {
  id: "c_1",
  kind: "AMOUNT",
  field: "totalMinor",
  status: "OPEN",
  version: 1,
  createdAt: "2026-11-02T00:00:00.000Z",
  invoice,
  customer: null,
  reason: "the systems hold different totals",
  rows: [
    { system: "concord", source: "CONCORD", connectionId: null, externalId: null, value: "123450", differs: false },
    { system: "quickbooks", source: "conn_qbo", connectionId: "conn_qbo", externalId: "42", value: "123450", differs: false },
    { system: "xero", source: "conn_xero", connectionId: "conn_xero", externalId: "x-1", value: "123950", differs: true },
  ],
  match: null,
  actions: ["take", "ignore"],
  resolution: null,
  resolvedAt: null,
  push: null,
};

function render(conflict: ConflictView, canResolve = true): string {
  return renderToString(
    <ConflictCard
      conflict={conflict}
      workspace="acme"
      canResolve={canResolve}
      focused={false}
      selected={false}
      onSelect={() => {}}
      ignoreOpen={false}
      setIgnoreOpen={() => {}}
      message={null}
      busy={false}
      decide={async () => null}
      onFocusItem={() => {}}
    />,
  );
}

const text = (html: string) => html.replace(/<[^>]+>/g, "").replace(/&#x27;/g, "'").replace(/&quot;/g, '"');

describe("a conflict in the inbox", () => {
  it("shows each system's value formatted, the differing one marked in words, and a take button per row", () => {
    const html = render(amount);
    expect(text(html)).toContain("$1,239.50differs from Concord's value");
    expect(text(html)).toContain("Use QuickBooks' value");
    expect(text(html)).toContain("Use Xero's value");
    expect(html).toContain('href="/w/acme/invoices/inv_1"');
    expect(text(html)).toContain("Ignore…");
  });

  it("offers no decision to a viewer", () => {
    const html = render(amount, false);
    expect(html).not.toContain("<button");
    expect(html).not.toContain('type="checkbox"');
  });

  it("after a decision: who decided, and a failed push with the way to Retry", () => {
    const html = render({
      ...amount,
      status: "RESOLVED",
      version: 2,
      actions: ["reopen"],
      resolvedAt: "2026-11-03T10:00:00.000Z",
      resolution: { action: "take", rule: null, source: "conn_qbo", value: "123450", decidedValue: "123450", by: "ana@acme.test", reason: null, settledAt: null },
      push: { state: "failed", error: "Xero answered 400: invoice is locked", notes: [], pushes: [{ connectionId: "conn_xero", system: "xero", action: "update_invoice", ok: false, error: "invoice is locked", at: "2026-11-03T10:00:01.000Z" }] },
    });
    expect(text(html)).toContain("Decided by ana@acme.test");
    expect(text(html)).toContain("Failed: Xero answered 400: invoice is locked.");
    expect(html).toContain('href="/w/acme/connections"');
    expect(text(html)).toContain("Reopen");
    expect(text(html)).not.toContain("Use Xero's value");
  });
});

describe("values as people read them", () => {
  it("formats money, statuses and presence", () => {
    expect(formatValue("totalMinor", { system: "xero", value: "123950" }, "USD")).toBe("$1,239.50");
    expect(formatValue("totalMinor", { system: "xero", value: "5000" }, "JPY")).toBe("¥5,000");
    expect(formatValue("status", { system: "stripe", value: "PARTIALLY_PAID" }, "USD")).toBe("Partly paid");
    expect(formatValue("presence", { system: "hubspot", value: null }, "USD")).toBe("Missing");
    expect(formatValue("presence", { system: "stripe", value: "in_1" }, "USD")).toBe("Holds it (in_1)");
    expect(possessive("QuickBooks")).toBe("QuickBooks'");
    expect(possessive("Stripe")).toBe("Stripe's");
  });
});
