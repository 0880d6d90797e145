import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv, requireServerEnv } from "./env";

describe("parseEnv", () => {
  it("applies defaults to an empty environment", () => {
    const e = parseEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.HOST).toBe("127.0.0.1");
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.CONCORD_DATA_DIR).toBe(".data");
  });

  it("treats empty strings as unset", () => {
    expect(parseEnv({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it("names every bad variable in one error", () => {
    let error: unknown;
    try {
      parseEnv({ PORT: "http", DATABASE_URL: "mysql://x", CONCORD_ENCRYPTION_KEY: "short", LOG_LEVEL: "loud" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join("\n");
    for (const name of ["PORT", "DATABASE_URL", "CONCORD_ENCRYPTION_KEY", "LOG_LEVEL"]) expect(problems).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(4);
  });

  it("accepts a 32-byte base64 encryption key", () => {
    const key = Buffer.alloc(32, 7).toString("base64");
    expect(parseEnv({ CONCORD_ENCRYPTION_KEY: key }).CONCORD_ENCRYPTION_KEY).toBe(key);
  });
});

describe("requireServerEnv", () => {
  it("lists what the running app cannot do without", () => {
    expect(() => requireServerEnv(parseEnv({}))).toThrow(/DATABASE_URL[\s\S]*AUTH_SECRET/);
  });

  it("passes with a database and a secret", () => {
    const e = requireServerEnv(parseEnv({ DATABASE_URL: "postgres://h/db", AUTH_SECRET: "x".repeat(32) }));
    expect(e.DATABASE_URL).toBe("postgres://h/db");
  });
});
