/**
 * The shared HTTP layer every connector call goes through: per-connection rate limits matching
 * each provider's documented limits, waiting out 429s (Retry-After), retrying only what is safe
 * to repeat (reads, or writes that carry an idempotency key) with jittered exponential backoff,
 * one token refresh on 401, and a timeout on every call.
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

/** Sliding-window limiter and concurrency cap for one connection. */
class Gate {
  private starts: number[][];
  private active = 0;
  private waiters: (() => void)[] = [];
  private pausedUntil = 0;

  constructor(private readonly limits: Limits) {
    this.starts = limits.windows.map(() => []);
  }

  /** Waits until a request may start now; returns the release function. */
  async acquire(): Promise<() => void> {
    if (this.limits.concurrency) {
      while (this.active >= this.limits.concurrency) await new Promise<void>((resolve) => this.waiters.push(resolve));
      this.active += 1;
    }
    for (;;) {
      const now = Date.now();
      let wait = Math.max(0, this.pausedUntil - now);
      this.limits.windows.forEach((w, i) => {
        const log = this.starts[i]!;
        while (log.length && log[0]! <= now - w.ms) log.shift();
        if (log.length >= w.max) wait = Math.max(wait, log[0]! + w.ms - now);
      });
      if (wait === 0) break;
      await sleep(wait);
    }
    const now = Date.now();
    this.starts.forEach((log) => log.push(now));
    let released = false;
    return () => {
      if (released || !this.limits.concurrency) return;
      released = true;
      this.active -= 1;
      this.waiters.shift()?.();
    };
  }

  /** The provider said 429: nobody on this connection starts before it allows. */
  pause(seconds: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + seconds * 1000);
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
    try {
      return await fn(AbortSignal.timeout(timeoutMs));
    } catch (raw) {
      const error = raw instanceof ProviderError ? raw : classify(raw);
      if (error.kind === "unauthorized" && onUnauthorized && !refreshed) {
        refreshed = true;
        await onUnauthorized();
        continue;
      }
      if (attempt >= maxAttempts) throw error;
      if (error.kind === "rate_limited") {
        // A 429 was refused before it did anything, so even a plain write may be sent again.
        gate.pause(Math.min(error.details.retryAfterSeconds ?? 1, MAX_RETRY_AFTER_SECONDS));
        continue;
      }
      if (!error.transient || !idempotent) throw error;
      await sleep(Math.random() * Math.min(8_000, 250 * 2 ** attempt)); // full jitter
    } finally {
      release();
    }
  }
}

/** Forgets every connection's limiter state (tests). */
export function resetGates(): void {
  gates.clear();
}
