import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { contextForApiKey } from "../lib/api-keys";
import { db } from "../lib/db";
import { uniqueEmail } from "../test/factories";
import { membershipFor } from "../lib/workspaces";

const ROOT = path.resolve(import.meta.dirname, "..");

function cli(...args: string[]) {
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/tsx"), ["scripts/cli.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "silent" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe("operator CLI", () => {
  it("creates a user, adds a member and prints an API key once", async () => {
    const owner = uniqueEmail("cli-owner");
    const created = cli("user:create", "--email", owner, "--password", "cli-password-123", "--workspace", "CLI Co");
    expect(created.code, created.stderr).toBe(0);
    const slug = /slug (cli-co-[0-9a-f]{8})/.exec(created.stdout)?.[1];
    expect(slug).toBeDefined();

    const member = uniqueEmail("cli-member");
    expect(cli("user:create", "--email", member, "--password", "cli-password-456").code).toBe(0);
    const added = cli("member:add", "--workspace", slug!, "--email", member, "--role", "VIEWER");
    expect(added.code, added.stderr).toBe(0);
    const user = await db().user.findUniqueOrThrow({ where: { email: member } });
    expect((await membershipFor(user.id, slug!))?.role).toBe("VIEWER");

    const key = cli("apikey:create", "--workspace", slug!, "--role", "ADMIN", "--name", "deploy bot");
    expect(key.code, key.stderr).toBe(0);
    expect(key.stdout).toMatch(/^ck_live_\S+$/);
    expect(await contextForApiKey(key.stdout)).toMatchObject({ role: "ADMIN", workspace: { slug } });
    const audit = await db().auditEntry.findFirstOrThrow({ where: { action: "api_key.created", workspace: { slug } } });
    expect(audit).toMatchObject({ actorType: "SYSTEM", actorLabel: "operator CLI" });
  });

  it("refuses bad input with a clear message and changes nothing", async () => {
    const email = uniqueEmail("cli-bad");
    const weak = cli("user:create", "--email", email, "--password", "short");
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain("--password: Use at least 10 characters");
    expect(await db().user.findUnique({ where: { email } })).toBeNull();

    const role = cli("member:add", "--workspace", "x", "--email", email, "--role", "KING");
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("--role");

    const missing = cli("apikey:create", "--workspace", "no-such-workspace", "--role", "VIEWER");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No workspace with the slug "no-such-workspace"');

    expect(cli("nonsense").code).toBe(2);
  });
});
