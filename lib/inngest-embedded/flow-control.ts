/**
 * Flow control before a run starts: throttle (at most `limit` starts per `period` per key,
 * spread evenly by the generic cell rate algorithm, `burst` extra at once; runs over the limit
 * wait in order, none are dropped) and debounce (a run starts `period` after the last event
 * for its key, with that last event, or at the latest `timeout` after the first).
 */
import type { Clock } from "./clock";

type Throttled = { start: () => void };

type Bucket = { tat: number; queue: Throttled[]; timer?: () => void };

export class Throttle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly clock: Clock) {}

  /** Starts `start` now if the key has capacity, otherwise once it has (first in, first out). */
  schedule(key: string, limit: number, periodMs: number, burst: number, start: () => void): void {
    const bucket = this.buckets.get(key) ?? { tat: 0, queue: [] };
    this.buckets.set(key, bucket);
    bucket.queue.push({ start });
    this.pump(key, bucket, periodMs / limit, (limit + burst - 1) * (periodMs / limit));
  }

  private pump(key: string, bucket: Bucket, interval: number, tolerance: number): void {
    bucket.timer?.();
    bucket.timer = undefined;
    while (bucket.queue.length) {
      const now = this.clock.now();
      const tat = Math.max(bucket.tat, now);
      // GCRA: a start conforms while the theoretical arrival time is within the tolerance.
      if (tat - now > tolerance) {
        bucket.timer = this.clock.at(tat - tolerance, () => this.pump(key, bucket, interval, tolerance));
        return;
      }
      bucket.tat = tat + interval;
      bucket.queue.shift()!.start();
    }
    // Forget idle keys once their window has passed.
    if (bucket.tat <= this.clock.now()) this.buckets.delete(key);
  }

  stop(): void {
    for (const bucket of this.buckets.values()) bucket.timer?.();
    this.buckets.clear();
  }
}

type Pending<T> = { latest: T; firstAt: number; cancel: () => void };

export class Debouncer<T> {
  private readonly pending = new Map<string, Pending<T>>();

  constructor(
    private readonly clock: Clock,
    private readonly fire: (key: string, latest: T) => void,
  ) {}

  /** Records `item` as the latest for `key` and (re)arms the key's timer. */
  push(key: string, item: T, periodMs: number, timeoutMs?: number): void {
    const now = this.clock.now();
    const existing = this.pending.get(key);
    existing?.cancel();
    const firstAt = existing?.firstAt ?? now;
    const due = timeoutMs === undefined ? now + periodMs : Math.min(now + periodMs, firstAt + timeoutMs);
    const entry: Pending<T> = { latest: item, firstAt, cancel: () => {} };
    entry.cancel = this.clock.at(due, () => {
      if (this.pending.get(key) !== entry) return;
      this.pending.delete(key);
      this.fire(key, entry.latest);
    });
    this.pending.set(key, entry);
  }

  get size(): number {
    return this.pending.size;
  }

  stop(): void {
    for (const entry of this.pending.values()) entry.cancel();
    this.pending.clear();
  }
}
