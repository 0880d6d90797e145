import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("passwords", () => {
  it("verifies the right password and refuses others", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash).toMatch(/^\$scrypt\$N=32768,r=8,p=3\$/);
    expect(await verifyPassword("correct horse battery", hash)).toBe(true);
    expect(await verifyPassword("correct horse battery ", hash)).toBe(false);
    expect(await verifyPassword("", hash)).toBe(false);
  });

  it("salts every hash", async () => {
    expect(await hashPassword("same")).not.toBe(await hashPassword("same"));
  });

  it("treats Unicode forms of the same text as the same password", async () => {
    const composed = "café-password"; // é as one code point
    const decomposed = "cafe\u0301-password"; // e + combining accent
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it("refuses a malformed stored hash instead of throwing", async () => {
    expect(await verifyPassword("x", "not-a-hash")).toBe(false);
  });

  it("verifies hashes made with other parameters", async () => {
    // A hash with lighter parameters (as an older release might have stored) still verifies.
    const { scryptSync } = await import("node:crypto");
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("older-password", salt, 32, { N: 1024, r: 8, p: 1 });
    expect(await verifyPassword("older-password", `$scrypt$N=1024,r=8,p=1$${salt.toString("base64")}$${key.toString("base64")}`)).toBe(true);
  });
});
