import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDemoPassword, ensureLocalSecrets } from "./secrets";

const dir = mkdtempSync(path.join(tmpdir(), "concord-secrets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ensureLocalSecrets", () => {
  it("generates secrets once, private to the owner, and reuses them", () => {
    const first = ensureLocalSecrets(dir, {});
    expect(first.AUTH_SECRET.length).toBeGreaterThanOrEqual(32);
    expect(Buffer.from(first.CONCORD_ENCRYPTION_KEY, "base64")).toHaveLength(32);
    expect(statSync(path.join(dir, "secrets.json")).mode & 0o777).toBe(0o600);
    expect(ensureLocalSecrets(dir, {})).toEqual(first);
  });

  it("lets the environment win without writing it down", () => {
    const mine = "m".repeat(40);
    expect(ensureLocalSecrets(dir, { AUTH_SECRET: mine }).AUTH_SECRET).toBe(mine);
    expect(readFileSync(path.join(dir, "secrets.json"), "utf8")).not.toContain(mine);
  });
});

describe("ensureDemoPassword", () => {
  it("generates one password, keeps it beside the other secrets, and lets DEMO_PASSWORD win", () => {
    const own = mkdtempSync(path.join(tmpdir(), "concord-demo-password-"));
    try {
      const secrets = ensureLocalSecrets(own, {});
      const password = ensureDemoPassword(own, {});
      expect(password).toMatch(/^[a-z2-9]{15}$/);
      expect(ensureDemoPassword(own, {})).toBe(password);
      expect(ensureLocalSecrets(own, {})).toEqual(secrets);
      expect(ensureDemoPassword(own, { DEMO_PASSWORD: "chosen-by-me" })).toBe("chosen-by-me");
      expect(readFileSync(path.join(own, "secrets.json"), "utf8")).not.toContain("chosen-by-me");
      expect(ensureDemoPassword(own, {})).toBe(password);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});
