import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MoneyError, toDecimal } from "./money";
import { parseMoney } from "./parse-money";

describe("parseMoney", () => {
  it.each([
    ["$100.00", { currency: "USD" }, 10000n, "USD"],
    ["100,00 $", { currency: "CAD" }, 10000n, "CAD"],
    ["100,00$", { currency: "USD" }, 10000n, "USD"],
    ["1.234,56 €", {}, 123456n, "EUR"],
    ["€1,234.56", {}, 123456n, "EUR"],
    ["¥1,000", { currency: "JPY" }, 1000n, "JPY"],
    ["CHF 1'234.50", {}, 123450n, "CHF"],
    ["USD 100", {}, 10000n, "USD"],
    ["(100.00)", { currency: "USD" }, -10000n, "USD"],
    ["-100.00", { currency: "GBP" }, -10000n, "GBP"],
    ["£ 1 234,50", { decimal: "," }, 123450n, "GBP"],
    ["KWD 12.345", { decimal: "." }, 12345n, "KWD"],
    ["12.345", { currency: "USD", decimal: "," }, 1234500n, "USD"],
    ["1,234", { currency: "USD", decimal: "." }, 123400n, "USD"],
    ["1,23", { currency: "EUR", decimal: "," }, 123n, "EUR"],
    ["1,234,567.89 USD", {}, 123456789n, "USD"],
  ] as const)("%s → %s", (text, hints, minor, currency) => {
    expect(parseMoney(text, hints)).toEqual({ minor, currency });
  });

  it.each([
    ["1,234", { currency: "USD" }, /ambiguous/],
    ["$5", {}, /could mean USD, CAD/],
    ["100", {}, /names no currency/],
    ["1,234", { currency: "EUR", decimal: "," }, /more decimals/],
    ["KWD 12.345", {}, /ambiguous/],
    ["1.2.3", { currency: "EUR" }, /misplaced|not an amount/],
    ["12,34,567", { currency: "USD" }, /misplaced/],
    ["abc", { currency: "USD" }, /not an amount/],
    ["", { currency: "USD" }, /empty/],
    ["¥10.5", { currency: "JPY" }, /more decimals/],
  ] as const)("refuses %j instead of guessing", (text, hints, message) => {
    expect(() => parseMoney(text, hints)).toThrow(MoneyError);
    expect(() => parseMoney(text, hints)).toThrow(message);
  });

  it("reads back what the common formats write, for any amount", () => {
    const currency = fc.constantFrom("USD", "EUR", "JPY", "KWD", "CHF");
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), currency, fc.constantFrom("en", "de", "ch"), (minor, code, style) => {
        const plain = toDecimal(minor < 0n ? -minor : minor, code);
        const [whole, fraction] = plain.split(".") as [string, string?];
        const sep = { en: [",", "."], de: [".", ","], ch: ["'", "."] }[style] as [string, string];
        const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, sep[0]);
        const text = `${minor < 0n ? "-" : ""}${code} ${grouped}${fraction ? sep[1] + fraction : ""}`;
        const hints = { decimal: sep[1] === "," ? ("," as const) : ("." as const) };
        expect(parseMoney(text, hints)).toEqual({ minor, currency: code });
      }),
      { numRuns: 500 },
    );
  });
});
