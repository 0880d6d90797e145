import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "./db";
import { healthReport } from "./health";

describe("healthReport", () => {
  const live = createDb(process.env.DATABASE_URL!, 1);
  // Nothing listens on port 1: the database is down.
  const dead = createDb("postgresql://postgres@127.0.0.1:1/postgres", 1);
  afterAll(async () => {
    await live.$disconnect();
    await dead.$disconnect();
  });

  it("is ok when the database answers", async () => {
    expect(await healthReport("1.2.3", live)).toEqual({ status: "ok", database: "up", version: "1.2.3" });
  });

  it("is degraded when the database is down", async () => {
    expect(await healthReport("1.2.3", dead)).toEqual({ status: "degraded", database: "down", version: "1.2.3" });
  });
});
