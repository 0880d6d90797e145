/**
 * The shared HTTP layer every connector call goes through: per-connection rate limits matching
 * each provider's documented limits (the one place requests are paced, each counted until its
 * answer is in), waiting out 429s (Retry-After), retrying only what is safe to repeat (reads, or
 * writes that carry an idempotency key) with jittered exponential backoff, one token refresh on
 * 401, and a timeout on every call.
 */
import { ProviderError } from "./errors";
import type { ProviderId } from "./types";

export type Limits = { windows: { max: number; ms: number }[]; concurrency?: number };

/** Documented limits, per connection (one Stripe account, QBO realm, Xero tenant, HubSpot portal). */
export const PROVIDER_LIMITS: Record<ProviderId, Limits> = {
  // https://docs.stripe.com/rate-limits: 25/s in test mode; live keys get STRIPE_LIVE_LIMITS.
  stripe: { windows: [{ max: 25, ms: 1_000 }] },
  // https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#limits-and-throttles
  quickbooks: { windows: [{ max: 10, ms: 1_000 }, { max: 500, ms: 60_000 }] },
  // https://developer.xero.com/documentation/guides/oauth2/limits/: 60/min, 5 concurrent per tenant
  xero: { windows: [{ max: 60, ms: 60_000 }], concurrency: 5 },
  // https://developers.hubspot.com/docs/api/usage-details: 100 per 10 s for OAuth apps
  hubspot: { windows: [{ max: 100, ms: 10_000 }] },
};

/** Stripe live mode: 100 requests per second per account. */
export const STRIPE_LIVE_LIMITS: Limits = { windows: [{ max: 100, ms: 1_000 }] };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The limiter of one connection. A request counts in each window from the moment it is sent until
 * `ms` after its answer came back: the provider counted it at some moment in between, and only
 * the answer bounds that moment. Counting from the send instead lets the next window's first
 * request reach the provider before the provider's own window has closed (its window began when
 * our earlier request arrived, a little after we sent it), and that 429 costs a whole Retry-After
 * for everyone on the connection. Waiting requests go first in, first out; a 429's Retry-After
 * holds all of them.
 */
class Gate {
  /** Per window, when each recent request's answer came back, oldest first. */
  private readonly answered: number[][];
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private pausedUntil = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly limits: Limits) {
    this.answered = limits.windows.map(() => []);
  }

  /** Waits until a request may start; returns the function to call once its answer is in. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiting.push(() => {
        this.inFlight += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inFlight -= 1;
          const now = performance.now();
          for (const log of this.answered) log.push(now);
          this.pump();
        });
      });
      this.pump();
    });
  }

  /** The provider said 429: nobody on this connection starts before it allows. */
  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + seconds * 1000);
    this.pump();
  }

  /** Milliseconds until the next request may start; Infinity when it waits for an answer. */
  private wait(now: number): number {
    let wait = Math.max(0, this.pausedUntil - now);
    if (this.limits.concurrency && this.inFlight >= this.limits.concurrency) return Infinity;
    this.limits.windows.forEach((w, i) => {
      const log = this.answered[i]!;
      while (log.length && log[0]! <= now - w.ms) log.shift();
      // Below the limit once this many answered requests have left the window.
      const leave = log.length + this.inFlight - w.max + 1;
      if (leave <= 0) return;
      wait = Math.max(wait, leave <= log.length ? log[leave - 1]! + w.ms - now : Infinity);
    });
    return wait;
  }

  private pump(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.waiting.length) {
      const wait = this.wait(performance.now());
      if (wait === Infinity) return; // an answer calls pump again
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), Math.ceil(wait));
        return;
      }
      this.waiting.shift()!();
    }
  }
}

const gates = new Map<string, Gate>();

function gateFor(key: string, limits: Limits): Gate {
  let gate = gates.get(key);
  if (!gate) {
    gate = new Gate(limits);
    gates.set(key, gate);
  }
  return gate;
}

export type CallOptions = {
  /** Safe to send twice: a read, or a write carrying an idempotency key. */
  idempotent: boolean;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Called once after a 401, before the single retry (refreshes the access token). */
  onUnauthorized?: () => Promise<void>;
  /** Turns whatever `fn` threw into a ProviderError (SDK errors, fetch errors). */
  classify: (error: unknown) => ProviderError;
};

const MAX_RETRY_AFTER_SECONDS = 120;

export async function callProvider<T>(connectionKey: string, limits: Limits, options: CallOptions, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { idempotent, timeoutMs = 30_000, maxAttempts = 4, onUnauthorized, classify } = options;
  const gate = gateFor(connectionKey, limits);
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const release = await gate.acquire();
    let error: ProviderError;
    try {
      return await fn(AbortSignal.timeout(timeoutMs));
    } catch (raw) {
      error = raw instanceof ProviderError ? raw : classify(raw);
      // Before this request's slot frees, so that nobody on the connection starts in between.
      if (error.kind === "rate_limited") gate.pause(Math.min(error.details.retryAfterSeconds ?? 1, MAX_RETRY_AFTER_SECONDS));
    } finally {
      // Backoff and token refreshes happen outside the gate: a request waiting to retry holds no slot.
      release();
    }
    if (error.kind === "unauthorized" && onUnauthorized && !refreshed) {
      refreshed = true;
      await onUnauthorized();
      continue;
    }
    if (attempt >= maxAttempts) throw error;
    // A 429 was refused before it did anything, so even a plain write may be sent again (after the pause).
    if (error.kind === "rate_limited") continue;
    if (!error.transient || !idempotent) throw error;
    await sleep(Math.random() * Math.min(8_000, 250 * 2 ** attempt)); // full jitter
  }
}

/** Forgets every connection's limiter state (tests). */
export function resetGates(): void {
  gates.clear();
}
