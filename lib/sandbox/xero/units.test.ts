/** The pure pieces: exact decimals, Xero's date formats, the where/order language. */
import { describe, expect, it } from "vitest";
import { connectionDate, eventDate, msDate, parseDateInput, parseModifiedSince } from "./dates";
import { fromUnits, lineAmountCents, taxCents, toUnits } from "./money";
import { compileOrder, compileWhere, type Fields, QueryError } from "./query";

describe("money", () => {
  it("reads decimals exactly, from numbers and strings, rounding half away from zero", () => {
    expect(toUnits(0.1 + 0.2, 2)).toBe(30);
    expect(toUnits("50.00", 2)).toBe(5000);
    expect(toUnits(19.995, 2)).toBe(2000);
    expect(toUnits("-2.345", 2)).toBe(-235);
    expect(toUnits(1e-7, 4)).toBe(0);
    expect(toUnits("1.2345e2", 4)).toBe(1_234_500);
    expect(toUnits("abc", 2)).toBeNull();
    expect(toUnits(Number.POSITIVE_INFINITY, 2)).toBeNull();
    expect(fromUnits(1999, 2)).toBe(19.99);
    expect(fromUnits(-5, 2)).toBe(-0.05);
  });

  it("computes line amounts and tax in integers", () => {
    expect(lineAmountCents(30_000, 12_345)).toBe(370); // 3 × 1.2345 = 3.7035
    expect(taxCents(3998, 1500, false)).toBe(600); // 15% of 39.98 = 5.997
    expect(taxCents(370, 1500, true)).toBe(48); // 3.70 × 15/115 = 0.4826
  });
});

describe("dates", () => {
  it("writes and reads Xero's formats", () => {
    expect(msDate(1550793549320)).toBe("/Date(1550793549320+0000)/");
    expect(parseDateInput("/Date(1550793600000+0000)/")).toBe("2019-02-22");
    expect(parseDateInput("2019-02-22T00:00:00")).toBe("2019-02-22");
    expect(parseDateInput("2019-02-30")).toBeNull();
    expect(parseModifiedSince("2026-11-21T10:00:00")).toBe(Date.UTC(2026, 10, 21, 10));
    expect(parseModifiedSince("Sat, 21 Nov 2026 10:00:00 GMT")).toBe(Date.UTC(2026, 10, 21, 10));
    expect(eventDate(Date.UTC(2026, 10, 21, 10, 0, 0, 123))).toBe("2026-11-21T10:00:00.123");
    expect(connectionDate(Date.UTC(2019, 11, 7, 18, 46, 19, 516))).toBe("2019-12-07T18:46:19.5160000");
  });
});

describe("where and order", () => {
  type R = { Type: string; Due: number; Ref: string };
  const fields: Fields<R> = { type: (r) => r.Type, amountdue: (r) => r.Due, reference: (r) => r.Ref };
  const rows: R[] = [
    { Type: "ACCREC", Due: 10, Ref: "PO 1" },
    { Type: "ACCPAY", Due: 0, Ref: "" },
    { Type: "ACCREC", Due: 0, Ref: "po 2" },
  ];
  const match = (where: string) => rows.map((r) => compileWhere(where, fields, "Invoice")(r));

  it("filters with comparisons, AND/OR, parentheses and string methods", () => {
    expect(match('Type=="ACCREC"')).toEqual([true, false, true]);
    expect(match('Type == "ACCREC" AND AmountDue > 0')).toEqual([true, false, false]);
    expect(match('(Type=="ACCPAY") || Reference.Contains("PO")')).toEqual([true, true, true]);
    expect(() => match("Colour==1")).toThrow(QueryError);
    expect(() => match('Type=="ACCREC')).toThrow(QueryError);
  });

  it("orders by several keys", () => {
    const sorted = [...rows].sort(compileOrder("Type DESC, AmountDue ASC", fields, "Invoice"));
    expect(sorted.map((r) => `${r.Type}:${r.Due}`)).toEqual(["ACCREC:0", "ACCREC:10", "ACCPAY:0"]);
  });
});
