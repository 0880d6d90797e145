import { describe, expect, it } from "vitest";
import { db } from "./db";
import { contextOf, makePerson } from "../test/factories";
import { acceptInvitation, createInvitation, previewInvitation, revokeInvitation } from "./invitations";
import { membershipFor } from "./workspaces";

const tokenOf = (url: string) => url.split("/invite/")[1]!;

describe("invitations", () => {
  it("lets the invitee join with the invited role, once", async () => {
    const owner = await makePerson("host");
    const guest = await makePerson("guest");
    const { url, expiresAt } = await createInvitation(contextOf(owner), { role: "MEMBER" });
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    const token = tokenOf(url);
    expect(await previewInvitation(token)).toMatchObject({ state: "valid", role: "MEMBER" });
    expect(await acceptInvitation(guest, token)).toEqual({ slug: owner.workspace.slug });
    expect((await membershipFor(guest.id, owner.workspace.slug))?.role).toBe("MEMBER");

    const late = await makePerson("late");
    await expect(acceptInvitation(late, token)).rejects.toMatchObject({ code: "conflict", message: "This invitation has already been used." });
    expect(await membershipFor(late.id, owner.workspace.slug)).toBeNull();
  });

  it("stores only a hash of the token", async () => {
    const owner = await makePerson("hasher");
    const { id, url } = await createInvitation(contextOf(owner), { role: "VIEWER" });
    const row = await db().invitation.findUniqueOrThrow({ where: { id } });
    expect(row.tokenHash).not.toContain(tokenOf(url));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is taken by exactly one of two people accepting at once", async () => {
    const owner = await makePerson("race-host");
    const { url } = await createInvitation(contextOf(owner), { role: "VIEWER" });
    const [a, b] = [await makePerson("racer-a"), await makePerson("racer-b")];
    const results = await Promise.allSettled([acceptInvitation(a, tokenOf(url)), acceptInvitation(b, tokenOf(url))]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db().membership.count({ where: { workspaceId: owner.workspace.id } })).toBe(2);
  });

  it("refuses expired, withdrawn and unknown links", async () => {
    const owner = await makePerson("strict");
    const guest = await makePerson("strict-guest");
    const expired = await createInvitation(contextOf(owner), { role: "VIEWER" });
    await db().invitation.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(acceptInvitation(guest, tokenOf(expired.url))).rejects.toThrow("expired");

    const withdrawn = await createInvitation(contextOf(owner), { role: "VIEWER" });
    await revokeInvitation(contextOf(owner), withdrawn.id);
    await expect(acceptInvitation(guest, tokenOf(withdrawn.url))).rejects.toThrow("withdrawn");

    await expect(acceptInvitation(guest, "inv_not-a-real-token")).rejects.toThrow("not valid");
    expect(await membershipFor(guest.id, owner.workspace.slug)).toBeNull();
  });

  it("tells an existing member so, without using the link up", async () => {
    const owner = await makePerson("existing");
    const guest = await makePerson("newcomer");
    const { url } = await createInvitation(contextOf(owner), { role: "ADMIN" });
    await expect(acceptInvitation(owner, tokenOf(url))).rejects.toThrow("already a member");
    expect((await membershipFor(owner.id, owner.workspace.slug))?.role).toBe("OWNER");
    await acceptInvitation(guest, tokenOf(url));
  });

  it("binds an invitation with an email to that person", async () => {
    const owner = await makePerson("bound");
    const intended = await makePerson("intended");
    const other = await makePerson("other");
    const { url } = await createInvitation(contextOf(owner), { email: intended.email, role: "MEMBER" });
    await expect(acceptInvitation(other, tokenOf(url))).rejects.toMatchObject({ code: "forbidden" });
    await acceptInvitation(intended, tokenOf(url));
  });

  it("does not let admins invite owners or members invite anyone", async () => {
    const owner = await makePerson("perm");
    await expect(createInvitation(contextOf(owner, "ADMIN"), { role: "OWNER" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createInvitation(contextOf(owner, "MEMBER"), { role: "VIEWER" })).rejects.toMatchObject({ code: "forbidden" });
  });
});
