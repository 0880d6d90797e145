/** Pure pieces of the QuickBooks sandbox: the query parser, decimal money and Pacific times. */
import { describe, expect, it } from "vitest";
import { QboFault } from "./errors";
import { fromCents, lineCents, percentOf, toCents } from "./money";
import { parseQuery } from "./query";
import { legacyTime, metaTime, parseDateTime, responseTime } from "./time";

const parserError = (text: string) => {
  try {
    parseQuery(text);
  } catch (error) {
    return error instanceof QboFault ? error.error : error;
  }
  return null;
};

describe("query parser", () => {
  it("reads Intuit's documented query forms", () => {
    expect(parseQuery("SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime > '2026-01-01T00:00:00Z' AND CustomerRef = '1' ORDERBY Id STARTPOSITION 1 MAXRESULTS 100")).toEqual({
      select: { kind: "all" },
      from: "Invoice",
      where: [
        { field: "Metadata.LastUpdatedTime", op: ">", values: ["2026-01-01T00:00:00Z"] },
        { field: "CustomerRef", op: "=", values: ["1"] },
      ],
      orderBy: [{ field: "Id", descending: false }],
      startPosition: 1,
      maxResults: 100,
    });
    expect(parseQuery("select count(*) from customer where Active in (true, false)")).toMatchObject({ select: { kind: "count" }, where: [{ op: "IN", values: [true, false] }] });
    expect(parseQuery("Select Id, DisplayName From Customer Where DisplayName Like '%O\\'Brien%' Order By DisplayName Desc MaxResults 5 StartPosition 6")).toMatchObject({
      select: { kind: "fields", fields: ["Id", "DisplayName"] },
      where: [{ op: "LIKE", values: ["%O'Brien%"] }],
      orderBy: [{ field: "DisplayName", descending: true }],
      startPosition: 6,
      maxResults: 5,
    });
  });

  it("answers malformed queries with QueryParserError 4000", () => {
    for (const text of ["", "SELECT", "SELECT * Invoice", "SELECT * FROM Invoice WHERE Id = '1' OR Id = '2'", "SELECT * FROM Invoice WHERE Id = 'open", "SELECT * FROM Invoice WHERE Id ~ 1", "SELECT * FROM Invoice MAXRESULTS ten", "SELECT * FROM Invoice junk"]) {
      expect(parserError(text), text).toMatchObject({ code: "4000", Message: "Error parsing query", Detail: expect.stringMatching(/^QueryParserError: /) });
    }
  });
});

describe("money", () => {
  it("reads numbers and numeric strings into cents without float error", () => {
    expect(toCents(0.1)).toBe(10);
    expect(toCents("19.99")).toBe(1999);
    expect(toCents(1.005)).toBe(101); // half up on the written decimal
    expect(toCents(-2.5)).toBe(-250);
    expect(toCents("12.")).toBe(1200);
    for (const bad of ["", "abc", "1e5", "1.2.3", Infinity, null, {}]) expect(toCents(bad), String(bad)).toBeNull();
    expect(fromCents(toCents(0.1)! + toCents(0.2)!)).toBe(0.3);
  });

  it("computes Qty × UnitPrice and percentages in integers", () => {
    expect(lineCents(3, "25.5")).toBe(7650);
    expect(lineCents("1.5", "0.333")).toBe(50); // 0.4995 rounds half up
    expect(lineCents(7, "1.234")).toBe(864);
    expect(percentOf(10_000, "12.5")).toBe(1250);
    expect(percentOf(999, 10)).toBe(100);
  });
});

describe("time", () => {
  it("writes Pacific times with the right daylight offset", () => {
    expect(responseTime(Date.UTC(2026, 6, 1, 12, 0, 0, 123))).toBe("2026-07-01T05:00:00.123-07:00");
    expect(metaTime(Date.UTC(2026, 0, 15, 12))).toBe("2026-01-15T04:00:00-08:00");
    expect(legacyTime(Date.UTC(2026, 0, 15, 12))).toBe("2026-01-15T04:00:00-0800");
    // 2026's switches: 8 March 10:00 UTC and 1 November 09:00 UTC.
    expect(metaTime(Date.UTC(2026, 2, 8, 9, 59))).toMatch(/-08:00$/);
    expect(metaTime(Date.UTC(2026, 2, 8, 10, 0))).toMatch(/-07:00$/);
    expect(metaTime(Date.UTC(2026, 10, 1, 9, 0))).toMatch(/-08:00$/);
  });

  it("parses the timestamps clients send", () => {
    const instant = Date.UTC(2026, 0, 15, 12);
    for (const text of ["2026-01-15T12:00:00Z", "2026-01-15T04:00:00-08:00", "2026-01-15T04:00:00-0800", "2026-01-15T04:00:00"]) expect(parseDateTime(text), text).toBe(instant);
    expect(parseDateTime("2026-01-15")).toBe(Date.UTC(2026, 0, 15, 8));
    expect(parseDateTime("yesterday")).toBeNull();
  });
});
