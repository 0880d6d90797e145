import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import { heartbeat } from "./heartbeat";

describe("heartbeat", () => {
  it("runs every five minutes and answers the time its step read", async () => {
    expect(heartbeat.opts.triggers).toEqual([{ cron: "*/5 * * * *" }]);
    const before = Date.now();
    const { result } = await new InngestTestEngine({ function: heartbeat }).execute();
    const at = Date.parse((result as { at: string }).at);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it("memoizes the clock reading: a replay returns the stored value", async () => {
    const { result } = await new InngestTestEngine({ function: heartbeat, steps: [{ id: "read-clock", handler: () => "2026-01-01T00:00:00.000Z" }] }).execute();
    expect(result).toEqual({ at: "2026-01-01T00:00:00.000Z" });
  });
});
