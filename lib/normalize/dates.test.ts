import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DateError, fromUnixSeconds, parseCalendarDate } from "./dates";

describe("calendar dates", () => {
  it.each([
    ["2026-11-21", undefined, "2026-11-21"],
    ["2026-11-21T23:30:00-08:00", undefined, "2026-11-21"], // QBO: the date as written, no shift to UTC
    ["2026-11-21T00:15:00Z", undefined, "2026-11-21"],
    ["/Date(1550793549320+0000)/", undefined, "2019-02-21"], // Xero: 2019-02-21T23:59:09Z
    ["/Date(1763683200000)/", undefined, "2025-11-21"],
    ["11/21/2026", undefined, "2026-11-21"], // 21 cannot be a month
    ["21/11/2026", undefined, "2026-11-21"],
    ["03/04/2026", "MDY", "2026-03-04"],
    ["03/04/2026", "DMY", "2026-04-03"],
    ["05.05.2026", undefined, "2026-05-05"],
  ] as const)("%s (%s) → %s", (text, order, expected) => {
    expect(parseCalendarDate(text, order)).toBe(expected);
  });

  it("reads Stripe's unix seconds as UTC dates", () => {
    expect(fromUnixSeconds(1763683199)).toBe("2025-11-20");
    expect(fromUnixSeconds(1763683200)).toBe("2025-11-21");
  });

  it.each([
    ["03/04/2026", undefined, /could be 3\/4 or 4\/3/],
    ["2026-02-30", undefined, /not a calendar date/],
    ["13/13/2026", "DMY", /not a calendar date/],
    ["21/11/2026", "MDY", /does not fit/],
    ["yesterday", undefined, /not a date/],
  ] as const)("refuses %s (%s)", (text, order, message) => {
    expect(() => parseCalendarDate(text, order)).toThrow(DateError);
    expect(() => parseCalendarDate(text, order)).toThrow(message);
  });

  it("round-trips every date through both orders and ISO", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("1990-01-01"), max: new Date("2100-12-31"), noInvalidDate: true }), (d) => {
        const [y, m, day] = d.toISOString().slice(0, 10).split("-") as [string, string, string];
        const isoDate = `${y}-${m}-${day}`;
        expect(parseCalendarDate(isoDate)).toBe(isoDate);
        expect(parseCalendarDate(`${m}/${day}/${y}`, "MDY")).toBe(isoDate);
        expect(parseCalendarDate(`${day}/${m}/${y}`, "DMY")).toBe(isoDate);
        expect(parseCalendarDate(`/Date(${Date.UTC(+y, +m - 1, +day)}+0000)/`)).toBe(isoDate);
      }),
      { numRuns: 500 },
    );
  });
});
