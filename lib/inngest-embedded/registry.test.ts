/** What the executor accepts from a sync, and what it refuses by name. */
import { describe, expect, it } from "vitest";
import { parseFunctionConfigs, triggerMatches, UnsupportedConfigError } from "./registry";

const step = (attempts?: number) => ({ step: { id: "step", name: "step", runtime: { type: "http", url: "http://x" }, ...(attempts === undefined ? {} : { retries: { attempts } }) } });

function refusal(configs: unknown[]): string {
  try {
    parseFunctionConfigs(configs);
  } catch (error) {
    expect(error).toBeInstanceOf(UnsupportedConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("parseFunctionConfigs", () => {
  it("reads triggers, retries, concurrency, throttle and debounce", () => {
    const fns = parseFunctionConfigs([
      {
        id: "app-reconcile",
        name: "Reconcile",
        triggers: [{ event: "invoice/*", expression: "event.data.amount > 0" }, { cron: "0 * * * *" }],
        steps: step(2),
        concurrency: [{ limit: 1, key: "event.data.connectionId" }, { limit: 5, key: '"hubspot"', scope: "env" }],
        throttle: { limit: 100, period: "10s", burst: 10, key: "event.data.connectionId" },
        debounce: { period: "5s", key: "event.data.invoiceId", timeout: "1m" },
      },
    ]);
    const fn = fns.get("app-reconcile")!;
    expect(fn.maxAttempts).toBe(3);
    expect(fn.crons.map((c) => c.cron.source)).toEqual(["0 * * * *"]);
    expect(triggerMatches(fn.events[0]!, "invoice/updated")).toBe(true);
    expect(triggerMatches(fn.events[0]!, "payment/updated")).toBe(false);
    expect(fn.events[0]!.expression!.matches({ event: { data: { amount: 5 } } })).toBe(true);
    expect(fn.concurrency.map((c) => [c.limit, c.scope])).toEqual([[1, "fn"], [5, "env"]]);
    expect(fn.throttle).toMatchObject({ limit: 100, periodMs: 10_000, burst: 10 });
    expect(fn.debounce).toMatchObject({ periodMs: 5_000, timeoutMs: 60_000 });
  });

  it("defaults to Inngest's four retries and treats concurrency 0 as no limit", () => {
    const fn = parseFunctionConfigs([{ id: "a", triggers: [{ event: "x" }], steps: step(), concurrency: 0 }]).get("a")!;
    expect(fn.maxAttempts).toBe(5);
    expect(fn.concurrency).toEqual([]);
  });

  it("refuses every unsupported feature, naming function and feature, and registers nothing", () => {
    const message = refusal([
      { id: "ok", triggers: [{ event: "x" }], steps: step() },
      { id: "batched", triggers: [{ event: "x" }], steps: step(), batchEvents: { maxSize: 10, timeout: "5s" } },
      { id: "limited", triggers: [{ event: "x" }], steps: step(), rateLimit: { limit: 1, period: "1m" } },
      { id: "cancelled", triggers: [{ event: "x" }], steps: step(), cancel: [{ event: "y" }] },
      { id: "prioritized", triggers: [{ event: "x" }], steps: step(), priority: { run: "event.data.p" } },
      { id: "idempotent", triggers: [{ event: "x" }], steps: step(), idempotency: "event.data.id" },
      { id: "single", triggers: [{ event: "x" }], steps: step(), singleton: { mode: "skip" } },
      { id: "timed", triggers: [{ event: "x" }], steps: step(), timeouts: { finish: "1h" } },
      { id: "jittery", triggers: [{ cron: "* * * * *", jitter: "10s" }], steps: step() },
      { id: "paris", triggers: [{ cron: "TZ=Europe/Paris 0 9 * * *" }], steps: step() },
      { id: "clever", triggers: [{ event: "x", expression: "size(event.data.lines) > 1" }], steps: step() },
      { id: "future", triggers: [{ event: "x" }], steps: step(), someNewOption: { on: true } },
      { id: "env-keyless", triggers: [{ event: "x" }], steps: step(), concurrency: { limit: 2, scope: "env" } },
    ]);
    for (const expected of [
      "batched: batchEvents",
      "limited: rateLimit",
      "cancelled: cancelOn",
      "prioritized: priority",
      "idempotent: idempotency",
      "single: singleton",
      "timed: timeouts",
      "jittery: cron jitter",
      "paris: cron",
      "clever: trigger expression",
      'future: the "someNewOption" option',
      "env-keyless: a concurrency limit with scope",
    ]) {
      expect(message).toContain(expected);
    }
    expect(message).not.toMatch(/- ok:/);
  });
});
