/** Error classification (xero-node's rejections and fetch answers), idempotency keys and the sync cursor. */
import { describe, expect, it } from "vitest";
import { ProviderError } from "../errors";
import { classify, xeroIdempotencyKey, XeroHttpError } from "./api";
import { decodeCursor, encodeCursor } from "./cursor";
import validation from "./fixtures/error-validation.json";

/** What xero-node rejects with: JSON.stringify of its ApiError (see node_modules/xero-node/dist/model/ApiError.js). */
const sdkRejection = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => JSON.stringify({ response: { statusCode, body, headers, request: {} }, body });
const problem = (status: number, title: string, detail: string) => ({ Type: null, Title: title, Status: status, Detail: detail, Instance: "x", Extensions: {} });

describe("classify", () => {
  it("reads a 429 with Retry-After and X-Rate-Limit-Problem", () => {
    const error = classify(sdkRejection(429, problem(429, "Too Many Requests", "You've exceeded the per minute rate limit"), { "retry-after": "17", "x-rate-limit-problem": "minute" }));
    expect(error).toMatchObject({ kind: "rate_limited", details: { status: 429, code: "minute", retryAfterSeconds: 17 } });
    expect(error.transient).toBe(true);
  });

  it("reads 401 TokenExpired as unauthorized and a missing scope (AuthorizationUnsuccessful) as forbidden", () => {
    expect(classify(sdkRejection(401, problem(401, "Unauthorized", "TokenExpired: token expired at 11/21/2026 10:00:00")))).toMatchObject({ kind: "unauthorized", details: { code: "TokenExpired" } });
    expect(classify(sdkRejection(401, problem(401, "Unauthorized", "AuthorizationUnsuccessful")))).toMatchObject({ kind: "forbidden", details: { status: 401 } });
    expect(classify(sdkRejection(403, problem(403, "Forbidden", "AuthenticationUnsuccessful")))).toMatchObject({ kind: "forbidden", details: { status: 403 } });
  });

  it("reads a ValidationException as invalid with Xero's messages", () => {
    const error = classify(sdkRejection(400, validation));
    expect(error).toMatchObject({ kind: "invalid", details: { status: 400, code: "ValidationException" } });
    expect(error.message).toContain("Payment amount exceeds the amount outstanding on this document");
    expect(error.transient).toBe(false);
  });

  it("reads 404 text, 5xx, an OAuth error from fetch, and a connection failure", () => {
    expect(classify(sdkRejection(404, "The resource you're looking for cannot be found")).kind).toBe("not_found");
    expect(classify(sdkRejection(503, problem(503, "Service Unavailable", "down"))).kind).toBe("server");
    expect(classify(new XeroHttpError(400, () => undefined, { error: "invalid_grant" }))).toMatchObject({ kind: "invalid", details: { code: "invalid_grant" } });
    expect(classify(sdkRejection(0, "connect ECONNREFUSED 127.0.0.1:9")).kind).toBe("network");
    expect(classify(new TypeError("fetch failed")).kind).toBe("network");
    expect(classify(new DOMException("timed out", "TimeoutError")).kind).toBe("timeout");
    const same = new ProviderError("xero", "conflict", "x");
    expect(classify(same)).toBe(same);
  });
});

describe("xeroIdempotencyKey", () => {
  it("keeps keys up to 128 plain characters and hashes longer or non-ASCII ones", () => {
    expect(xeroIdempotencyKey("inv_1:v3:xero")).toBe("inv_1:v3:xero");
    const long = xeroIdempotencyKey("k".repeat(129));
    expect(long).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(xeroIdempotencyKey("k".repeat(129))).toBe(long);
    expect(xeroIdempotencyKey("k".repeat(128))).toBe("k".repeat(128));
    expect(xeroIdempotencyKey("rechnung-ä")).toMatch(/^sha256-/);
  });
});

describe("cursor", () => {
  it("is a plain ISO instant while the collections agree, and JSON when they do not", () => {
    const t = Date.UTC(2026, 10, 21, 10);
    expect(encodeCursor({ invoices: t, payments: t, contacts: t, creditNotes: t })).toBe("2026-11-21T10:00:00.000Z");
    expect(decodeCursor("2026-11-21T10:00:00.000Z")).toEqual({ invoices: t, payments: t, contacts: t, creditNotes: t });
    const mixed = { invoices: t, payments: t + 5, contacts: t - 7, creditNotes: t + 9 };
    expect(decodeCursor(encodeCursor(mixed))).toEqual(mixed);
    expect(encodeCursor({ invoices: t, payments: t, contacts: t, creditNotes: t + 1 })).not.toBe("2026-11-21T10:00:00.000Z");
    // Saved before credit notes were read: they start where the payments are.
    const old = JSON.stringify({ invoices: "2026-11-21T10:00:00.000Z", payments: "2026-11-21T10:00:00.005Z", contacts: "2026-11-21T09:59:59.993Z" });
    expect(decodeCursor(old)).toEqual({ invoices: t, payments: t + 5, contacts: t - 7, creditNotes: t + 5 });
    expect(() => decodeCursor("yesterday")).toThrow(ProviderError);
  });
});
