import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readJson } from "./body";

const schema = z.strictObject({ role: z.enum(["ADMIN", "VIEWER"]), count: z.number().int().optional() });

function request(body: BodyInit | null, headers: Record<string, string> = { "content-type": "application/json" }) {
  return new Request("http://127.0.0.1/api", { method: "POST", body, headers, duplex: "half" } as RequestInit);
}

describe("readJson", () => {
  it("parses a valid body", async () => {
    expect(await readJson(request(JSON.stringify({ role: "ADMIN" })), schema)).toEqual({ role: "ADMIN" });
  });

  it("answers 400 to malformed JSON and 415 to other content types", async () => {
    await expect(readJson(request("{role:"), schema)).rejects.toMatchObject({ code: "bad_request", status: 400 });
    await expect(readJson(request("role=ADMIN", { "content-type": "application/x-www-form-urlencoded" }), schema)).rejects.toMatchObject({ status: 415 });
  });

  it("answers 422 with the fields for wrong types and unknown fields", async () => {
    const error = await readJson(request(JSON.stringify({ role: "KING", count: "3", extra: 1 })), schema).catch((e) => e);
    expect(error).toMatchObject({ code: "unprocessable", status: 422 });
    expect(Object.keys(error.fields).sort()).toEqual(["_", "count", "role"].sort());
  });

  it("answers 413 to bodies over the limit, declared or streamed", async () => {
    const big = JSON.stringify({ role: "ADMIN", pad: "x".repeat(2000) });
    await expect(readJson(request(big), schema, 1000)).rejects.toMatchObject({ code: "payload_too_large", status: 413 });
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    await expect(readJson(request(stream), schema, 1000)).rejects.toMatchObject({ status: 413 });
  });
});
