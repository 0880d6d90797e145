/**
 * Concurrency slots, counted as Inngest counts them: each request executing a run's code
 * (a step, or the code between steps) holds one slot of every limit that applies to it; a
 * sleeping or waiting run holds none. Requests that cannot get all their slots queue in
 * arrival order and take them together, so two limits (a function-wide one and one per
 * connection) can never deadlock each other.
 */

export type SlotRequirement = { key: string; limit: number };

type Waiter = { slots: SlotRequirement[]; grant: (release: () => void) => void };

export class ConcurrencyLimiter {
  private readonly used = new Map<string, number>();
  private readonly queue: Waiter[] = [];

  /** Slots in use under `key` (tests and logs). */
  inUse(key: string): number {
    return this.used.get(key) ?? 0;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves with a release function once every requirement has a free slot. */
  acquire(slots: SlotRequirement[]): Promise<() => void> {
    return new Promise((grant) => {
      this.queue.push({ slots, grant });
      this.pump();
    });
  }

  private fits(slots: SlotRequirement[]): boolean {
    return slots.every((s) => this.inUse(s.key) < s.limit);
  }

  private pump(): void {
    // First come, first served among requests that fit: a request blocked on one key does
    // not hold back requests for other keys.
    for (let i = 0; i < this.queue.length; ) {
      const waiter = this.queue[i]!;
      if (!this.fits(waiter.slots)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      for (const s of waiter.slots) this.used.set(s.key, this.inUse(s.key) + 1);
      let released = false;
      waiter.grant(() => {
        if (released) return;
        released = true;
        for (const s of waiter.slots) {
          const left = this.inUse(s.key) - 1;
          if (left > 0) this.used.set(s.key, left);
          else this.used.delete(s.key);
        }
        this.pump();
      });
    }
  }
}
