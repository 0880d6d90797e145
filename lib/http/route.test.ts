import { NextRequest, NextResponse } from "next/server";
import { describe, expect, it } from "vitest";
import { ApiError } from "./errors";
import { route } from "./route";

const request = (headers: Record<string, string> = {}) => new NextRequest("http://127.0.0.1/api/x", { headers });

describe("route", () => {
  it("echoes a sane request id and makes one otherwise", async () => {
    const handler = route(async () => NextResponse.json({ ok: true }));
    const kept = await handler(request({ "x-request-id": "abc-123" }), {});
    expect(kept.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await handler(request({ "x-request-id": "bad id with spaces" }), {});
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("answers an ApiError with its status and JSON shape", async () => {
    const handler = route(async () => {
      throw new ApiError("unprocessable", "Amount is not a number", { amount: ["Expected a number"] });
    });
    const response = await handler(request(), {});
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: { code: "unprocessable", message: "Amount is not a number", fields: { amount: ["Expected a number"] } },
    });
  });

  it("hides the details of unexpected errors", async () => {
    const handler = route(async () => {
      throw new Error("password=hunter2 leaked");
    });
    const response = await handler(request(), {});
    expect(response.status).toBe(500);
    expect(JSON.stringify(await response.json())).not.toContain("hunter2");
  });
});
