/** Xero's limits (60/minute, 5 in flight per organisation) and injected faults, over HTTP. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { call, type Harness, newTenant, startXero } from "./testing";

let h: Harness;
beforeAll(async () => {
  h = await startXero();
});
afterAll(() => h.close());

const control = (path: string, body: unknown) => fetch(`${h.url}/_sandbox/${path}`, { method: "POST", body: JSON.stringify(body) });
const stats = async () => (await fetch(`${h.url}/_sandbox/stats`)).json();

afterEach(async () => {
  await control("faults", {});
  await control("clock", { scale: 1 });
});

describe("rate limits", () => {
  it("counts down X-MinLimit-Remaining, answers the 61st call in a minute with 429 minute, and opens again with the next window", async () => {
    const t = await newTenant(h.url);
    const remaining: number[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await call(h.url, "GET", "/api.xro/2.0/Contacts", { tenant: t });
      expect(res.status).toBe(200);
      remaining.push(Number(res.headers.get("x-minlimit-remaining")));
      if (i === 0) {
        expect(res.headers.get("x-daylimit-remaining")).toBe("4999");
        expect(Number(res.headers.get("x-appminlimit-remaining"))).toBeLessThan(10_000);
      }
    }
    expect(remaining[0]).toBe(59);
    expect(remaining[59]).toBe(0);

    const limited = await call(h.url, "GET", "/api.xro/2.0/Contacts", { tenant: t });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("x-rate-limit-problem")).toBe("minute");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(limited.body).toMatchObject({ Title: "Too Many Requests", Status: 429 });

    // The limit is per organisation: another one connected to the same app is unaffected.
    const other = await newTenant(h.url);
    expect((await call(h.url, "GET", "/api.xro/2.0/Contacts", { tenant: other })).status).toBe(200);

    // At 600× a minute lasts 100 ms.
    await control("clock", { scale: 600 });
    await new Promise((r) => setTimeout(r, 150));
    const again = await call(h.url, "GET", "/api.xro/2.0/Contacts", { tenant: t });
    expect(again.status).toBe(200);
    expect(again.headers.get("x-minlimit-remaining")).toBe("59");

    const s = await stats();
    expect(s.rateLimited).toBeGreaterThanOrEqual(1);
    expect(s.requests["GET /api.xro/2.0/Contacts"]["429"]).toBeGreaterThanOrEqual(1);
  });

  it("allows 5 calls in flight per organisation and answers a sixth with 429 concurrent", async () => {
    const t = await newTenant(h.url);
    await control("faults", { latencyMs: 300, paths: ["/api.xro/2.0/Invoices"] });
    const answers = await Promise.all(Array.from({ length: 6 }, () => call(h.url, "GET", "/api.xro/2.0/Invoices", { tenant: t })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.headers.get("x-rate-limit-problem")).toBe("concurrent");
    expect(refused.headers.get("retry-after")).toBe("1");
  });

  it("serves /connections under the app limit only", async () => {
    const t = await newTenant(h.url);
    const res = await call(h.url, "GET", "/connections", { token: t.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-appminlimit-remaining")).not.toBeNull();
    expect(res.headers.get("x-minlimit-remaining")).toBeNull();
  });
});

describe("faults", () => {
  it("answers with Xero's 500 and 503 shapes at errorRate 1, only on the chosen paths, and counts them", async () => {
    const t = await newTenant(h.url);
    const before = (await stats()).faultsInjected;
    await control("faults", { errorRate: 1, paths: ["/api.xro/2.0/Payments"], seed: 3 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => call(h.url, "GET", "/api.xro/2.0/Payments", { tenant: t })));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([500, 503]));
    const e500 = answers.find((a) => a.status === 500)!;
    expect(e500.body).toMatchObject({ Title: "An error occurred", Status: 500, Detail: expect.stringContaining("An error occurred in Xero") });
    expect(answers.find((a) => a.status === 503)!.body.Status).toBe(503);
    expect((await call(h.url, "GET", "/api.xro/2.0/Invoices", { tenant: t })).status).toBe(200);
    expect((await stats()).faultsInjected).toBe(before + 8);
  });

  it("never answers at timeoutRate 1", async () => {
    const t = await newTenant(h.url);
    await control("faults", { timeoutRate: 1 });
    await expect(call(h.url, "GET", "/api.xro/2.0/Invoices", { tenant: t, signal: AbortSignal.timeout(200) })).rejects.toThrow();
    await control("faults", {});
    expect((await call(h.url, "GET", "/api.xro/2.0/Invoices", { tenant: t })).status).toBe(200);
  });
});
