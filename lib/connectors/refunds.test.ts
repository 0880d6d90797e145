/**
 * What the connectors share for refunds: the draft checked before anything is written, the
 * `refund-of:` marker written and found again, and which providers take refunds at all.
 */
import { describe, expect, it } from "vitest";
import { ProviderError } from "./errors";
import { connectorFor, PROVIDER_IDS, supportsRefunds } from "./index";
import { checkRefundDraft, refundOfIn, refundOfMarker, withRefundMarker } from "./refunds";

const draft = { invoiceExternalId: "in_1", amountMinor: 1250n, currency: "eur", refundedOn: "2026-03-09", reference: "  wire 7  " };

describe("checkRefundDraft", () => {
  it("normalizes a good draft", () => {
    expect(checkRefundDraft("xero", draft)).toEqual({ invoiceExternalId: "in_1", amountMinor: 1250n, currency: "EUR", refundedOn: "2026-03-09", reference: "wire 7" });
    expect(checkRefundDraft("xero", { ...draft, reference: "   " }).reference).toBeNull();
  });

  it.each([
    ["a zero amount", { amountMinor: 0n }, "amountMinor"],
    ["a negative amount", { amountMinor: -1n }, "amountMinor"],
    ["an amount no JSON number carries exactly", { amountMinor: 2n ** 53n }, "amountMinor"],
    ["a currency that is no ISO code", { currency: "euro" }, "currency"],
    ["a date that is no calendar date", { refundedOn: "2026-02-30" }, "refundedOn"],
    ["a date in another format", { refundedOn: "09/03/2026" }, "refundedOn"],
    ["no invoice", { invoiceExternalId: " " }, "invoiceExternalId"],
  ])("refuses %s, naming the field", (_what, change, field) => {
    let error: unknown;
    try {
      checkRefundDraft("quickbooks", { ...draft, ...change });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ provider: "quickbooks", kind: "invalid", transient: false, details: { code: "invalid_refund" } });
    expect((error as Error).message).toContain(field);
  });
});

describe("the refund-of marker", () => {
  it("is written first and found anywhere in a note, Voided prefix and brackets included", () => {
    const id = "99e0d152-0b6d-4bdd-b598-5df96cba51a5";
    expect(withRefundMarker(id, "Refund of INV-0042", 255)).toBe(`refund-of:${id} Refund of INV-0042`);
    expect(withRefundMarker("145", null, 4000)).toBe("refund-of:145");
    expect(withRefundMarker("145", "x".repeat(50), 20)).toBe(`refund-of:145 ${"x".repeat(6)}`);
    expect(refundOfIn(`refund-of:${id} Refund of INV-0042`)).toBe(id);
    expect(refundOfIn("Voided - refund-of:145 wire")).toBe("145");
    expect(refundOfIn("Customer asked (refund-of:145).")).toBe("145");
    expect(refundOfIn("norefund-of:145")).toBeNull();
    expect(refundOfIn("refund-of: 145")).toBeNull();
    expect(refundOfIn(null)).toBeNull();
    expect(() => refundOfMarker("14 5")).toThrow(RangeError);
  });
});

describe("which providers take refunds", () => {
  it("is known without calling anyone: all but HubSpot", () => {
    expect(Object.fromEntries(PROVIDER_IDS.map((p) => [p, supportsRefunds(p)]))).toEqual({ stripe: true, quickbooks: true, xero: true, hubspot: false });
    for (const p of PROVIDER_IDS) expect(connectorFor(p).supportsRefunds).toBe(supportsRefunds(p));
    expect(new ProviderError("hubspot", "unsupported", "no refunds").transient).toBe(false);
  });
});
