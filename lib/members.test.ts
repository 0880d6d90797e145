import { describe, expect, it } from "vitest";
import { db } from "./db";
import { contextOf, makePerson, makeTeam } from "../test/factories";
import { contextForApiKey, createApiKey } from "./api-keys";
import { createInvitation } from "./invitations";
import { addMember, changeMemberRole, listMembers, removeMember } from "./members";

async function membershipId(workspaceId: string, userId: string): Promise<string> {
  return (await db().membership.findUniqueOrThrow({ where: { workspaceId_userId: { workspaceId, userId } } })).id;
}

describe("members", () => {
  it("never removes or demotes the last owner", async () => {
    const owner = await makePerson("solo");
    const ctx = contextOf(owner);
    const id = await membershipId(owner.workspace.id, owner.id);
    await expect(removeMember(ctx, id)).rejects.toMatchObject({ code: "conflict" });
    await expect(changeMemberRole(ctx, id, "ADMIN")).rejects.toMatchObject({ code: "conflict" });
    expect((await listMembers(ctx)).map((m) => m.role)).toEqual(["OWNER"]);
  });

  it("leaves at least one owner when two owners demote each other at once", async () => {
    const a = await makePerson("owner-a");
    const b = await makePerson("owner-b");
    await addMember(contextOf(a), b.email, "OWNER");
    const aId = await membershipId(a.workspace.id, a.id);
    const bId = await membershipId(a.workspace.id, b.id);
    const results = await Promise.allSettled([
      changeMemberRole(contextOf(a), bId, "MEMBER"),
      changeMemberRole(contextOf(b, "OWNER", a.workspace), aId, "MEMBER"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = (await listMembers(contextOf(a))).filter((m) => m.role === "OWNER");
    expect(owners).toHaveLength(1);
  });

  it("lets admins manage members but not owners", async () => {
    const { people } = await makeTeam();
    const admin = contextOf(people.ADMIN, "ADMIN", people.OWNER.workspace);
    const ws = people.OWNER.workspace.id;
    await changeMemberRole(admin, await membershipId(ws, people.VIEWER.id), "MEMBER");
    await expect(changeMemberRole(admin, await membershipId(ws, people.OWNER.id), "VIEWER")).rejects.toMatchObject({ code: "forbidden" });
    await expect(changeMemberRole(admin, await membershipId(ws, people.MEMBER.id), "OWNER")).rejects.toMatchObject({ code: "forbidden" });
    await expect(removeMember(admin, await membershipId(ws, people.OWNER.id))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("does not let an admin demote an owner through addMember either", async () => {
    const { people } = await makeTeam();
    const second = await makePerson("second-owner");
    await addMember(contextOf(people.OWNER), second.email, "OWNER");
    const admin = contextOf(people.ADMIN, "ADMIN", people.OWNER.workspace);
    await expect(addMember(admin, second.email, "VIEWER")).rejects.toMatchObject({ code: "forbidden" });
    expect((await listMembers(contextOf(people.OWNER))).find((m) => m.email === second.email)?.role).toBe("OWNER");
  });

  it("revokes the keys and invitations of someone removed or demoted below them", async () => {
    const { people } = await makeTeam();
    const ws = people.OWNER.workspace;
    const admin = contextOf(people.ADMIN, "ADMIN", ws);
    const adminKey = await createApiKey(admin, { name: "admin's", role: "ADMIN" });
    const viewerKey = await createApiKey(admin, { name: "viewer's", role: "VIEWER" });
    const invite = await createInvitation(admin, { role: "ADMIN" });
    await changeMemberRole(contextOf(people.OWNER), await membershipId(ws.id, people.ADMIN.id), "MEMBER");
    expect(await contextForApiKey(adminKey.key)).toBeNull();
    expect(await contextForApiKey(viewerKey.key)).not.toBeNull();
    expect((await db().invitation.findUniqueOrThrow({ where: { id: invite.id } })).revokedAt).not.toBeNull();

    await removeMember(contextOf(people.OWNER), await membershipId(ws.id, people.ADMIN.id));
    expect(await contextForApiKey(viewerKey.key)).toBeNull();
  });

  it("cannot reach a membership of another workspace", async () => {
    const mine = await makePerson("mine");
    const theirs = await makePerson("theirs");
    const foreign = await membershipId(theirs.workspace.id, theirs.id);
    await expect(removeMember(contextOf(mine), foreign)).rejects.toMatchObject({ code: "not_found" });
    await expect(changeMemberRole(contextOf(mine), foreign, "VIEWER")).rejects.toMatchObject({ code: "not_found" });
    expect(await db().membership.findUnique({ where: { id: foreign } })).not.toBeNull();
  });

  it("records every change in the audit trail", async () => {
    const { people } = await makeTeam();
    const ctx = contextOf(people.OWNER);
    const id = await membershipId(people.OWNER.workspace.id, people.VIEWER.id);
    await changeMemberRole(ctx, id, "MEMBER");
    const entry = await db().auditEntry.findFirstOrThrow({ where: { workspaceId: people.OWNER.workspace.id, action: "member.role_changed", subjectId: id } });
    expect(entry).toMatchObject({ actorType: "USER", actorId: people.OWNER.id, changes: { email: people.VIEWER.email, role: { old: "VIEWER", new: "MEMBER" } } });
  });
});
