/** The plan of deliberate differences: deterministic, distinct targets, readable summary. */
import { describe, expect, it } from "vitest";
import { generateSeed } from "../sandbox/core/seed";
import { bareNumber, describePlan, misspell, planInconsistencies, PLAN_SIZES, summarize } from "./plan";
import { DEMO_SEED } from ".";

describe("the demo's plan of differences", () => {
  it("picks the same distinct open invoices for the same seed, all of them clean in Xero", () => {
    const clean = (n: string) => Number(n.slice(-1)) % 2 === 0; // stands in for Xero's taxes
    const plan = planInconsistencies(DEMO_SEED, clean);
    expect(planInconsistencies(DEMO_SEED, clean)).toEqual(plan);
    const targets = [...plan.paidInStripe, ...plan.amountInXero, ...plan.numberInHubspot.map((h) => h.number), ...plan.duplicateInQuickbooks, plan.customerInQuickbooks.invoiceNumber];
    expect(new Set(targets).size).toBe(targets.length);
    const open = new Set(generateSeed(DEMO_SEED).invoices.filter((i) => i.state === "open").map((i) => i.number));
    for (const n of targets) {
      expect(open.has(n)).toBe(true);
      expect(clean(n)).toBe(true);
    }
    expect(plan.paidInStripe).toHaveLength(PLAN_SIZES.paidInStripe);
    expect(plan.onlyInStripe.number).toBe("INV-01301");
    expect(open.has(plan.onlyInStripe.customerOf)).toBe(true);
    expect(plan.customerInQuickbooks.misspelled).not.toBe(plan.customerInQuickbooks.name);
  });

  it("refuses a seed too small to pick every target", () => {
    expect(() => planInconsistencies({ ...DEMO_SEED, invoices: 20 }, () => true)).toThrow(/the plan needs/);
  });

  it("lists and summarizes what it changes", () => {
    const list = describePlan(planInconsistencies(DEMO_SEED, () => true));
    expect(list).toHaveLength(PLAN_SIZES.paidInStripe + PLAN_SIZES.amountInXero + PLAN_SIZES.numberInHubspot + PLAN_SIZES.duplicateInQuickbooks + 2);
    expect(summarize(list)).toBe(
      "10 paid in Stripe only, 3 with another amount in Xero, 3 numbered differently in HubSpot, 1 duplicated in QuickBooks, 1 only in Stripe, 1 customer spelled differently in QuickBooks",
    );
  });

  it("writes numbers and names the way people get them wrong", () => {
    expect(bareNumber("INV-01042")).toBe("1042");
    expect(bareNumber("1042")).toBe("1042");
    expect(misspell("Globex Holdings Ltd")).toBe("Globex Hodlings Ltd");
    expect(misspell("  ACME  TRADING INC ")).toBe("ACME TRDAING INC");
    expect(misspell("Müller Bakery GmbH")).toBe("Mülelr Bakery GmbH");
    expect(misspell("A B")).toBe("A B.");
  });
});
