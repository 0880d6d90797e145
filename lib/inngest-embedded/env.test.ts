/** Which Inngest the app uses, from lib/env.ts's INNGEST_* variables. */
import { describe, expect, it } from "vitest";
import { ConfigError, inngestMode, parseEnv, requireServerEnv } from "../env";

const server = { DATABASE_URL: "postgresql://localhost/x", AUTH_SECRET: "x".repeat(32) };
const key = `signkey-prod-${"ab".repeat(32)}`;

describe("inngestMode", () => {
  it("is embedded with no INNGEST_* variable, cloud with keys, dev with INNGEST_DEV", () => {
    expect(inngestMode(parseEnv({}))).toBe("embedded");
    expect(inngestMode(parseEnv({ INNGEST_EVENT_KEY: "k", INNGEST_SIGNING_KEY: key }))).toBe("cloud");
    expect(inngestMode(parseEnv({ INNGEST_BASE_URL: "http://inngest.internal:8288", INNGEST_SIGNING_KEY: "ab12" }))).toBe("cloud");
    expect(inngestMode(parseEnv({ INNGEST_DEV: "1" }))).toBe("dev");
    expect(inngestMode(parseEnv({ INNGEST_DEV: "http://127.0.0.1:8288" }))).toBe("dev");
    expect(inngestMode(parseEnv({ INNGEST_DEV: "0", INNGEST_EVENT_KEY: "k", INNGEST_SIGNING_KEY: key }))).toBe("cloud");
  });

  it("refuses malformed values and a cloud setup missing one of its keys", () => {
    let problems: string[] = [];
    try {
      parseEnv({ INNGEST_SIGNING_KEY: "not hex", INNGEST_DEV: "yes", INNGEST_BASE_URL: "inngest" });
    } catch (error) {
      problems = (error as ConfigError).problems;
    }
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["INNGEST_BASE_URL", "INNGEST_DEV", "INNGEST_SIGNING_KEY"]);
    expect(() => requireServerEnv(parseEnv({ ...server, INNGEST_EVENT_KEY: "k" }))).toThrow(ConfigError);
    expect(() => requireServerEnv(parseEnv({ ...server, INNGEST_EVENT_KEY: "k" }))).toThrow(/INNGEST_SIGNING_KEY: required/);
    expect(() => requireServerEnv(parseEnv({ ...server, INNGEST_EVENT_KEY: "k", INNGEST_SIGNING_KEY: key }))).not.toThrow();
    expect(() => requireServerEnv(parseEnv({ ...server, INNGEST_DEV: "1" }))).not.toThrow();
    expect(() => requireServerEnv(parseEnv(server))).not.toThrow();
  });
});
