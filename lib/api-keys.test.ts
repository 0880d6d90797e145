import { describe, expect, it } from "vitest";
import { db } from "./db";
import { contextOf, makePerson } from "../test/factories";
import { contextForApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

describe("API keys", () => {
  it("live from creation to revocation", async () => {
    const owner = await makePerson("keys");
    const { key, apiKey } = await createApiKey(contextOf(owner), { name: "export", role: "VIEWER" });
    expect(key).toMatch(/^ck_live_[A-Za-z0-9_-]{43}$/);
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } });
    expect(stored.keyHash).not.toContain(key.slice(8));
    expect(stored.lastUsedAt).toBeNull();

    const ctx = await contextForApiKey(key);
    expect(ctx).toMatchObject({ workspace: { id: owner.workspace.id }, role: "VIEWER", actor: { type: "API_KEY", id: apiKey.id } });
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).lastUsedAt).not.toBeNull();

    await revokeApiKey(contextOf(owner), apiKey.id);
    expect(await contextForApiKey(key)).toBeNull();
    expect((await listApiKeys(contextOf(owner)))[0]?.revokedAt).not.toBeNull();
    await expect(revokeApiKey(contextOf(owner), apiKey.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses unknown keys and keys of the wrong shape", async () => {
    expect(await contextForApiKey("ck_live_doesnotexist")).toBeNull();
    expect(await contextForApiKey("Bearer something")).toBeNull();
  });

  it("cannot revoke another workspace's key", async () => {
    const a = await makePerson("a");
    const b = await makePerson("b");
    const { key, apiKey } = await createApiKey(contextOf(b), { name: "theirs", role: "ADMIN" });
    await expect(revokeApiKey(contextOf(a), apiKey.id)).rejects.toMatchObject({ code: "not_found" });
    expect(await contextForApiKey(key)).not.toBeNull();
  });

  it("does not let an admin mint an owner key", async () => {
    const owner = await makePerson("mint");
    await expect(createApiKey(contextOf(owner, "ADMIN"), { name: "x", role: "OWNER" })).rejects.toMatchObject({ code: "forbidden" });
  });
});
