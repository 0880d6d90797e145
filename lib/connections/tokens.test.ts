/**
 * The token vault against the QuickBooks sandbox (rotating refresh tokens): refresh before
 * expiry, one refresh for many callers, a forced refresh after a 401, and NEEDS_REAUTH when the
 * provider refuses the refresh token.
 */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { ReauthRequiredError } from "../connectors/errors";
import { makePerson } from "../../test/factories";
import { sandboxForTests } from "../../test/sandbox";
import { accessToken, ConnectionUnavailableError, openTokens, sealTokens } from "./tokens";

const { sandbox, server, post } = sandboxForTests("quickbooks");

/** A connection whose tokens expire in `ttlSeconds`, as if the person had just connected. */
async function connection(ttlSeconds: number) {
  await post("/_sandbox/oauth", { accessTokenTtlSeconds: ttlSeconds });
  const account = (await post("/_sandbox/accounts", { name: "Vault Co" })) as { accountId: string; accessToken: string; refreshToken: string; expiresIn: number };
  const owner = await makePerson("vault");
  const tokens = { accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + account.expiresIn * 1000, scope: null };
  const row = await db().connection.create({
    data: { workspaceId: owner.workspace.id, provider: "QUICKBOOKS", externalAccountId: account.accountId, displayName: "Vault Co", ...sealTokens(tokens) },
  });
  return { id: row.id, tokens };
}

const tokenCalls = () => sandbox.stats.requests["POST /oauth2/v1/tokens/bearer"]?.["200"] ?? 0;

describe("token vault", () => {
  it("stores tokens encrypted", async () => {
    const { id, tokens } = await connection(3600);
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(row.tokensCiphertext).not.toContain(tokens.accessToken);
    expect(row.tokensCiphertext).not.toContain(tokens.refreshToken);
    expect(openTokens(row.tokensCiphertext!, row.tokenKeyId!)).toEqual(tokens);
  });

  it("hands out the stored token while it is fresh", async () => {
    const { id, tokens } = await connection(3600);
    const before = tokenCalls();
    expect(await accessToken(id)).toBe(tokens.accessToken);
    expect(tokenCalls()).toBe(before);
  });

  it("refreshes shortly before expiry, once for many callers, and rotates the refresh token", async () => {
    const { id, tokens } = await connection(60); // inside the refresh margin
    const before = tokenCalls();
    const results = await Promise.all(Array.from({ length: 8 }, () => accessToken(id)));
    expect(new Set(results).size).toBe(1);
    expect(results[0]).not.toBe(tokens.accessToken);
    expect(tokenCalls() - before).toBe(1);
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    const stored = openTokens(row.tokensCiphertext!, row.tokenKeyId!);
    expect(stored.refreshToken).not.toBe(tokens.refreshToken);
    // The rotated-out refresh token is dead at the provider: it must never be sent again.
    const reuse = await fetch(`${server().url}/oauth2/v1/tokens/bearer`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("concord-sandbox-client:concord-sandbox-secret").toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refreshToken }),
    });
    expect(reuse.status).toBe(400);
  });

  it("refreshes on demand after a 401 even when the token looks fresh", async () => {
    const { id, tokens } = await connection(3600);
    const renewed = await accessToken(id, true);
    expect(renewed).not.toBe(tokens.accessToken);
    expect(await accessToken(id)).toBe(renewed);
  });

  it("marks the connection NEEDS_REAUTH when the refresh token was revoked, and pauses its work", async () => {
    const { id, tokens } = await connection(60);
    const revoke = await fetch(`${server().url}/v2/oauth2/tokens/revoke`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from("concord-sandbox-client:concord-sandbox-secret").toString("base64")}`, "content-type": "application/json" },
      body: JSON.stringify({ token: tokens.refreshToken }),
    });
    expect(revoke.ok).toBe(true);
    await expect(accessToken(id)).rejects.toBeInstanceOf(ReauthRequiredError);
    const row = await db().connection.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe("NEEDS_REAUTH");
    expect(row.lastError).toMatch(/Reconnect/);
    await expect(accessToken(id)).rejects.toBeInstanceOf(ConnectionUnavailableError);
  });
});
