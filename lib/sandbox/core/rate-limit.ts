/**
 * Providers' documented limits as fixed windows per key (per account, per app...), plus
 * concurrency caps. Windows follow the sandbox clock's scale.
 */
import type { Clock } from "./clock";

export type WindowRule = { name: string; key: string; max: number; windowMs: number };
export type Verdict = { ok: true; remaining: Record<string, number> } | { ok: false; rule: string; retryAfterSeconds: number };

type Counter = { start: number; count: number };

export class RateLimiter {
  private counters = new Map<string, Counter>();
  private inFlight = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** Counts the request against every rule, or refuses it without counting. */
  take(rules: WindowRule[]): Verdict {
    const now = this.clock.now();
    const remaining: Record<string, number> = {};
    const live: [WindowRule, Counter][] = [];
    for (const rule of rules) {
      const windowMs = this.clock.ms(rule.windowMs);
      const id = `${rule.name}|${rule.key}`;
      let counter = this.counters.get(id);
      if (!counter || now - counter.start >= windowMs) {
        counter = { start: now, count: 0 };
        this.counters.set(id, counter);
      }
      if (counter.count >= rule.max) {
        const retryAfterSeconds = Math.max(1, Math.ceil((counter.start + windowMs - now) / 1000));
        return { ok: false, rule: rule.name, retryAfterSeconds };
      }
      live.push([rule, counter]);
    }
    for (const [rule, counter] of live) {
      counter.count += 1;
      remaining[rule.name] = rule.max - counter.count;
    }
    return { ok: true, remaining };
  }

  /** Concurrency cap: returns a release function, or null when `max` requests are in flight. */
  enter(key: string, max: number): (() => void) | null {
    const current = this.inFlight.get(key) ?? 0;
    if (current >= max) return null;
    this.inFlight.set(key, current + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
    };
  }

  reset(): void {
    this.counters.clear();
    this.inFlight.clear();
  }
}
