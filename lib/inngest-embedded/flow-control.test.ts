/** Throttle (GCRA), debounce and concurrency slots on a hand-driven clock. */
import { describe, expect, it } from "vitest";
import type { Clock } from "./clock";
import { ConcurrencyLimiter } from "./concurrency";
import { Debouncer, Throttle } from "./flow-control";

function manualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  let timers: { at: number; fn: () => void }[] = [];
  return {
    now: () => now,
    at(at, fn) {
      const timer = { at, fn };
      timers.push(timer);
      return () => (timers = timers.filter((t) => t !== timer));
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = Math.max(now, due.at);
        due.fn();
      }
      now = end;
    },
  };
}

describe("Throttle", () => {
  it("starts limit + burst at once, then one per period / limit, in order, per key", () => {
    const clock = manualClock();
    const throttle = new Throttle(clock);
    const started: string[] = [];
    for (const n of [1, 2, 3, 4, 5, 6]) throttle.schedule("k", 2, 6_000, 1, () => started.push(`k${n}@${clock.now()}`));
    throttle.schedule("other", 2, 6_000, 1, () => started.push(`other@${clock.now()}`));
    expect(started).toEqual(["k1@0", "k2@0", "k3@0", "other@0"]);
    clock.advance(2_999);
    expect(started).toHaveLength(4);
    clock.advance(1);
    expect(started.at(-1)).toBe("k4@3000");
    clock.advance(6_000);
    expect(started.slice(5)).toEqual(["k5@6000", "k6@9000"]);
  });
});

describe("Debouncer", () => {
  it("fires once per key with the latest item, period after the last push, within the timeout", () => {
    const clock = manualClock();
    const fired: string[] = [];
    const debouncer = new Debouncer<number>(clock, (key, n) => fired.push(`${key}:${n}@${clock.now()}`));
    debouncer.push("a", 1, 1_000, 2_500);
    clock.advance(800);
    debouncer.push("a", 2, 1_000, 2_500);
    debouncer.push("b", 7, 1_000);
    clock.advance(800);
    debouncer.push("a", 3, 1_000, 2_500);
    expect(fired).toEqual([]);
    clock.advance(5_000);
    // b: 1 s after its only push; a: capped by the 2.5 s timeout from its first push.
    expect(fired).toEqual(["b:7@1800", "a:3@2500"]);
  });
});

describe("ConcurrencyLimiter", () => {
  it("grants all of a request's slots together, first come first served, without blocking other keys", async () => {
    const limiter = new ConcurrencyLimiter();
    const order: string[] = [];
    const a1 = await limiter.acquire([{ key: "fn", limit: 2 }, { key: "conn-a", limit: 1 }]);
    const a2 = limiter.acquire([{ key: "fn", limit: 2 }, { key: "conn-a", limit: 1 }]).then((release) => (order.push("a2"), release));
    const b1 = limiter.acquire([{ key: "fn", limit: 2 }, { key: "conn-b", limit: 1 }]).then((release) => (order.push("b1"), release));
    await Promise.resolve();
    expect(order).toEqual(["b1"]);
    expect(limiter.inUse("fn")).toBe(2);
    a1();
    await Promise.resolve();
    expect(order).toEqual(["b1", "a2"]); // a2 takes the slots a1 released
    expect(limiter.inUse("fn")).toBe(2);
    (await b1)();
    (await a2)();
    expect([limiter.inUse("fn"), limiter.inUse("conn-a"), limiter.waiting]).toEqual([0, 0, 0]);
  });
});
