import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  HUBSPOT_STATUSES,
  hubspotStatus,
  INVOICE_STATUSES,
  quickbooksStatus,
  StatusError,
  STRIPE_STATUSES,
  stripeStatus,
  XERO_STATUSES,
  xeroStatus,
} from "./status";

const minor = fc.bigInt({ min: -(10n ** 9n), max: 10n ** 12n });
const nonNegative = fc.bigInt({ min: 0n, max: 10n ** 12n });

describe("Stripe invoice statuses", () => {
  it.each([
    ["draft", 0n, 5000n, "DRAFT"],
    ["open", 0n, 5000n, "OPEN"],
    ["open", 1500n, 3500n, "PARTIALLY_PAID"],
    ["open", 5000n, 0n, "OPEN"], // Stripe moves it to paid itself; until then it is open
    ["paid", 5000n, 0n, "PAID"],
    ["paid", 0n, 0n, "PAID"], // paid out of band or a zero invoice
    ["void", 0n, 5000n, "VOID"],
    ["uncollectible", 1000n, 4000n, "UNCOLLECTIBLE"],
    ["OPEN", 1n, 1n, "PARTIALLY_PAID"],
  ] as const)("%s paid %s remaining %s → %s", (status, amountPaid, amountRemaining, expected) => {
    expect(stripeStatus({ status, amountPaid, amountRemaining })).toBe(expected);
  });
});

describe("QuickBooks invoice statuses (no status field: Balance against TotalAmt)", () => {
  it.each([
    [10000n, 10000n, false, "OPEN"],
    [10000n, 2500n, false, "PARTIALLY_PAID"],
    [10000n, 1n, false, "PARTIALLY_PAID"],
    [10000n, 0n, false, "PAID"],
    [10000n, -500n, false, "PAID"], // overpaid: nothing due, something paid
    [0n, 0n, false, "OPEN"], // a zero invoice is not a void
    [0n, 0n, true, "VOID"], // operation=void zeroes the amounts
    [10000n, 10000n, true, "VOID"],
  ] as const)("total %s balance %s voided %s → %s", (total, balance, voided, expected) => {
    expect(quickbooksStatus({ total, balance, voided })).toBe(expected);
  });
});

describe("Xero invoice statuses", () => {
  it.each([
    ["DRAFT", 0n, 130700n, "DRAFT"],
    ["SUBMITTED", 0n, 130700n, "DRAFT"],
    ["AUTHORISED", 0n, 130700n, "OPEN"],
    ["AUTHORISED", 527960n, 729110n, "PARTIALLY_PAID"],
    ["PAID", 1088313n, 0n, "PAID"],
    ["VOIDED", 0n, 0n, "VOID"],
    ["DELETED", 0n, 0n, "VOID"],
    ["authorised", 1n, 1n, "PARTIALLY_PAID"],
  ] as const)("%s paid %s due %s → %s", (status, amountPaid, amountDue, expected) => {
    expect(xeroStatus({ status, amountPaid, amountDue })).toBe(expected);
  });
});

describe("HubSpot invoice statuses", () => {
  it.each([
    ["draft", 0n, 10000n, "DRAFT"],
    [null, 0n, 0n, "DRAFT"], // no hs_invoice_status: HubSpot's default
    ["", 0n, 0n, "DRAFT"],
    ["open", 0n, 10000n, "OPEN"],
    ["open", 25n, 9975n, "PARTIALLY_PAID"],
    ["open", 10000n, 0n, "OPEN"],
    ["paid", 10000n, 0n, "PAID"],
    ["voided", 0n, 10000n, "VOID"],
  ] as const)("%s paid %s due %s → %s", (status, amountPaid, balanceDue, expected) => {
    expect(hubspotStatus({ status, amountPaid, balanceDue })).toBe(expected);
  });
});

describe("unknown statuses", () => {
  it.each([
    () => stripeStatus({ status: "pending", amountPaid: 0n, amountRemaining: 0n }),
    () => xeroStatus({ status: "ARCHIVED", amountPaid: 0n, amountDue: 0n }),
    () => hubspotStatus({ status: "processing", amountPaid: 0n, balanceDue: 0n }),
    () => stripeStatus({ status: "constructor", amountPaid: 0n, amountRemaining: 0n }),
    () => hubspotStatus({ status: "__proto__", amountPaid: 0n, balanceDue: 0n }),
  ])("throw a StatusError naming the status and the known ones (%#)", (map) => {
    expect(map).toThrow(StatusError);
    expect(map).toThrow(/Unknown (Stripe|Xero|HubSpot) invoice status "(pending|ARCHIVED|processing|constructor|__proto__)" \(Concord knows \w+/);
  });

  it("throw for any status outside the tables", () => {
    const known = new Set([...Object.keys(STRIPE_STATUSES), ...Object.keys(XERO_STATUSES), ...Object.keys(HUBSPOT_STATUSES)].map((s) => s.toLowerCase()));
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => s.trim() !== "" && !known.has(s.trim().toLowerCase())),
        (status) => {
          expect(() => stripeStatus({ status, amountPaid: 0n, amountRemaining: 0n })).toThrow(StatusError);
          expect(() => xeroStatus({ status, amountPaid: 0n, amountDue: 0n })).toThrow(StatusError);
          expect(() => hubspotStatus({ status, amountPaid: 0n, balanceDue: 0n })).toThrow(StatusError);
        },
      ),
    );
  });
});

describe("properties over every balance", () => {
  const provider = fc.oneof(
    fc.record({ p: fc.constant("stripe" as const), status: fc.constantFrom(...Object.keys(STRIPE_STATUSES)) }),
    fc.record({ p: fc.constant("xero" as const), status: fc.constantFrom(...Object.keys(XERO_STATUSES)) }),
    fc.record({ p: fc.constant("hubspot" as const), status: fc.constantFrom(...Object.keys(HUBSPOT_STATUSES)) }),
  );
  const map = (p: "stripe" | "xero" | "hubspot", status: string, paid: bigint, due: bigint) =>
    p === "stripe"
      ? stripeStatus({ status, amountPaid: paid, amountRemaining: due })
      : p === "xero"
        ? xeroStatus({ status, amountPaid: paid, amountDue: due })
        : hubspotStatus({ status, amountPaid: paid, balanceDue: due });

  it("a provider status gives one of the six; PARTIALLY_PAID only with something paid and something due", () => {
    fc.assert(
      fc.property(provider, minor, minor, ({ p, status }, paid, due) => {
        const result = map(p, status, paid, due);
        expect(INVOICE_STATUSES).toContain(result);
        if (result === "PARTIALLY_PAID") expect(paid > 0n && due > 0n).toBe(true);
      }),
    );
  });

  it("balances only split open invoices into OPEN and PARTIALLY_PAID; every other status is the provider's word", () => {
    fc.assert(
      fc.property(provider, minor, minor, ({ p, status }, paid, due) => {
        const result = map(p, status, paid, due);
        if (result === "OPEN" || result === "PARTIALLY_PAID") {
          expect(map(p, status, 0n, due)).toBe("OPEN");
          expect(map(p, status, 1n, 1n)).toBe("PARTIALLY_PAID");
        } else {
          expect(map(p, status, 0n, 0n)).toBe(result);
        }
      }),
    );
  });

  it("QuickBooks: VOID iff voided; otherwise PAID iff nothing due and something paid, PARTIALLY_PAID iff both", () => {
    fc.assert(
      fc.property(nonNegative, minor, fc.boolean(), (total, balance, voided) => {
        const result = quickbooksStatus({ total, balance, voided });
        const paid = total - balance;
        expect(INVOICE_STATUSES).toContain(result);
        expect(result === "VOID").toBe(voided);
        if (voided) return;
        expect(result === "PAID").toBe(balance <= 0n && paid > 0n);
        expect(result === "PARTIALLY_PAID").toBe(balance > 0n && paid > 0n);
        expect(["DRAFT", "UNCOLLECTIBLE"]).not.toContain(result);
      }),
    );
  });
});
