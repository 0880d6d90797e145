import { beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "./errors";
import { callProvider, resetGates, type Limits } from "./http";

const classify = (e: unknown) => (e instanceof ProviderError ? e : new ProviderError("stripe", "network", String(e)));
const fast: Limits = { windows: [{ max: 1000, ms: 1000 }] };
let key = 0;
beforeEach(() => {
  resetGates();
  key += 1;
});

describe("callProvider", () => {
  it("keeps to the window: the fourth call in a 3-per-300 ms window waits for it", async () => {
    const limits: Limits = { windows: [{ max: 3, ms: 300 }] };
    const started = Date.now();
    const at: number[] = [];
    await Promise.all(Array.from({ length: 4 }, () => callProvider(`k${key}`, limits, { idempotent: true, classify }, async () => at.push(Date.now() - started))));
    at.sort((a, b) => a - b);
    expect(at[2]!).toBeLessThan(100);
    expect(at[3]!).toBeGreaterThanOrEqual(290);
  });

  it("counts a call in the window until its answer came back: the provider may have counted it as late as that", async () => {
    const limits: Limits = { windows: [{ max: 1, ms: 200 }] };
    const started = Date.now();
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 2 }, () =>
        callProvider(`k${key}`, limits, { idempotent: true, classify }, async () => {
          at.push(Date.now() - started);
          await new Promise((r) => setTimeout(r, 100));
        }),
      ),
    );
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(295);
  });

  it("lets waiting calls start in the order they came", async () => {
    const limits: Limits = { windows: [{ max: 2, ms: 40 }] };
    const order: number[] = [];
    await Promise.all(Array.from({ length: 7 }, (_, i) => callProvider(`k${key}`, limits, { idempotent: true, classify }, async () => void order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("caps concurrent calls per connection", async () => {
    let active = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, () =>
        callProvider(`k${key}`, { windows: [], concurrency: 2 }, { idempotent: true, classify }, async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 20));
          active -= 1;
        }),
      ),
    );
    expect(peak).toBe(2);
  });

  it("waits out a 429 for Retry-After and tries again, even for a plain write", async () => {
    let calls = 0;
    const started = Date.now();
    const result = await callProvider(`k${key}`, fast, { idempotent: false, classify }, async () => {
      calls += 1;
      if (calls === 1) throw new ProviderError("stripe", "rate_limited", "slow down", { status: 429, retryAfterSeconds: 1 });
      return "done";
    });
    expect(result).toBe("done");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("retries a server error only when the call is safe to repeat", async () => {
    let reads = 0;
    await callProvider(`k${key}`, fast, { idempotent: true, classify }, async () => {
      reads += 1;
      if (reads < 3) throw new ProviderError("stripe", "server", "boom", { status: 503 });
    });
    expect(reads).toBe(3);

    let writes = 0;
    await expect(
      callProvider(`k${key}`, fast, { idempotent: false, classify }, async () => {
        writes += 1;
        throw new ProviderError("stripe", "server", "boom", { status: 500 });
      }),
    ).rejects.toMatchObject({ kind: "server" });
    expect(writes).toBe(1);
  });

  it("never retries what will fail again", async () => {
    let calls = 0;
    await expect(
      callProvider(`k${key}`, fast, { idempotent: true, classify }, async () => {
        calls += 1;
        throw new ProviderError("stripe", "invalid", "bad param", { status: 400 });
      }),
    ).rejects.toMatchObject({ kind: "invalid" });
    expect(calls).toBe(1);
  });

  it("refreshes once after a 401, then gives up", async () => {
    let refreshes = 0;
    let calls = 0;
    const ok = await callProvider(`k${key}`, fast, { idempotent: true, classify, onUnauthorized: async () => void (refreshes += 1) }, async () => {
      calls += 1;
      if (calls === 1) throw new ProviderError("stripe", "unauthorized", "expired", { status: 401 });
      return calls;
    });
    expect([ok, refreshes]).toEqual([2, 1]);

    await expect(
      callProvider(`k${key}`, fast, { idempotent: true, classify, onUnauthorized: async () => void (refreshes += 1) }, async () => {
        throw new ProviderError("stripe", "unauthorized", "revoked", { status: 401 });
      }),
    ).rejects.toMatchObject({ kind: "unauthorized" });
    expect(refreshes).toBe(2);
  });

  it("times out a call that hangs", async () => {
    await expect(
      callProvider(`k${key}`, fast, { idempotent: false, classify: () => new ProviderError("stripe", "timeout", "timed out"), timeoutMs: 50 }, (signal) =>
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason))),
      ),
    ).rejects.toMatchObject({ kind: "timeout" });
  });
});
