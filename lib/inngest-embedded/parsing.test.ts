/** Durations, expressions and crons as the executor reads them from function configs and ops. */
import { describe, expect, it } from "vitest";
import { parseCron } from "./cron";
import { parseDuration, sleepEndsAt } from "./duration";
import { compileExpression, keyOf } from "./expression";

describe("parseDuration", () => {
  it("reads the SDK's compound durations and milliseconds", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1w2d")).toBe(9 * 86_400_000);
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("1m500ms")).toBe(60_500);
  });

  it("refuses anything else instead of reading zero", () => {
    for (const bad of ["", "10", "5 minutes", "1y", "s", "1h-5m"]) expect(() => parseDuration(bad)).toThrow(/Invalid duration/);
  });

  it("ends a sleep after a duration or at an ISO instant", () => {
    expect(sleepEndsAt("2m", 1_000)).toBe(121_000);
    expect(sleepEndsAt("2030-01-01T00:00:00.000Z", 0)).toBe(Date.UTC(2030, 0, 1));
    expect(() => sleepEndsAt("soon", 0)).toThrow(/Invalid sleep/);
  });
});

describe("compileExpression", () => {
  const event = { data: { invoiceId: "inv_1", amount: 250, tags: { vip: true }, nothing: null } };

  it("matches waitForEvent conditions between the run's event and the incoming one", () => {
    const expr = compileExpression("event.data.invoiceId == async.data.invoiceId", ["event", "async"]);
    expect(expr.matches({ event, async: { data: { invoiceId: "inv_1" } } })).toBe(true);
    expect(expr.matches({ event, async: { data: { invoiceId: "inv_2" } } })).toBe(false);
    expect(expr.matches({ event, async: { data: {} } })).toBe(false);
  });

  it("evaluates comparisons, logic, literals, brackets and concatenation", () => {
    const scope = { event };
    const holds = (source: string) => compileExpression(source, ["event"]).matches(scope);
    expect(holds("event.data.amount > 100 && event.data.amount <= 250")).toBe(true);
    expect(holds("event.data.amount < 100 || event.data['tags'].vip == true")).toBe(true);
    expect(holds("!(event.data.amount >= 300)")).toBe(true);
    expect(holds("event.data.missing == null && event.data.nothing == null")).toBe(true);
    expect(holds("event.data.invoiceId != 'inv_1'")).toBe(false);
    expect(holds('event.data.amount - 50 == 200')).toBe(true);
    expect(compileExpression('"q-" + event.data.invoiceId', ["event"]).value(scope)).toBe("q-inv_1");
  });

  it("turns a key expression into the string flow control groups by", () => {
    expect(keyOf(compileExpression("event.data.invoiceId", ["event"]), { event })).toBe("inv_1");
    expect(keyOf(compileExpression("event.data.amount", ["event"]), { event })).toBe("250");
    expect(keyOf(compileExpression("event.data.absent", ["event"]), { event })).toBe("null");
    expect(keyOf(undefined, { event })).toBe("");
  });

  it("refuses what it cannot evaluate when compiling, not when running", () => {
    expect(() => compileExpression("size(event.data.lines) > 0", ["event"])).toThrow(/function calls are not supported/);
    expect(() => compileExpression("'a' in event.data", ["event"])).toThrow(/unexpected "in"/);
    expect(() => compileExpression("evnt.data.id", ["event"])).toThrow(/unknown variable "evnt"/);
    expect(() => compileExpression("event.data.id ==", ["event"])).toThrow(/unexpected end/);
    expect(() => compileExpression("event.data.id ? 1 : 2", ["event"])).toThrow(/unexpected "\?"/);
  });
});

describe("parseCron", () => {
  const at = (iso: string) => Date.parse(iso);
  const iso = (ms: number) => new Date(ms).toISOString();

  it("finds the next firing in UTC", () => {
    expect(iso(parseCron("*/5 * * * *").next(at("2026-03-01T10:07:30Z")))).toBe("2026-03-01T10:10:00.000Z");
    expect(iso(parseCron("*/5 * * * *").next(at("2026-03-01T10:10:00Z")))).toBe("2026-03-01T10:15:00.000Z");
    expect(iso(parseCron("0 9 * * MON-FRI").next(at("2026-03-06T09:00:00Z")))).toBe("2026-03-09T09:00:00.000Z");
    expect(iso(parseCron("30 2 1 */3 *").next(at("2026-02-10T00:00:00Z")))).toBe("2026-04-01T02:30:00.000Z");
    expect(iso(parseCron("@daily").next(at("2026-12-31T23:59:00Z")))).toBe("2027-01-01T00:00:00.000Z");
    expect(iso(parseCron("TZ=UTC 0 0 29 2 *").next(at("2026-03-01T00:00:00Z")))).toBe("2028-02-29T00:00:00.000Z");
  });

  it("fires when either restricted day field matches, as classic cron does", () => {
    // The 13th, or any Friday.
    expect(iso(parseCron("0 0 13 * 5").next(at("2026-03-01T00:00:00Z")))).toBe("2026-03-06T00:00:00.000Z");
  });

  it("refuses time zones other than UTC and malformed fields", () => {
    expect(() => parseCron("TZ=Europe/Paris 0 9 * * *")).toThrow(/UTC only/);
    expect(() => parseCron("61 * * * *")).toThrow(/out of range/);
    expect(() => parseCron("* * * *")).toThrow(/5 fields/);
    expect(() => parseCron("*/0 * * * *")).toThrow(/bad step/);
  });
});
