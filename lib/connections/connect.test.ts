/**
 * The connect flow against the QuickBooks sandbox, as a person's browser would drive it: the
 * consent form is posted, the redirect carries the code back. State bound to person and
 * workspace, single use, expiring; an account already connected changes nothing.
 */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makePerson, type Person } from "../../test/factories";
import { sandboxForTests } from "../../test/sandbox";
import { completeConnect, startConnect } from "./connect";

const { server } = sandboxForTests("quickbooks");

/** Posts the consent form the authorize page shows, and answers the callback's query. */
async function consent(authorizeUrl: string, choice: { account?: string; decision?: "approve" | "deny" } = {}): Promise<URLSearchParams> {
  const url = new URL(authorizeUrl);
  const form = new URLSearchParams();
  for (const k of ["client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method"]) form.set(k, url.searchParams.get(k) ?? "");
  form.set("account", choice.account ?? "__new__");
  form.set("new_account_name", "Flow Test Co");
  form.set("decision", choice.decision ?? "approve");
  const response = await fetch(`${server().url}${url.pathname}`, { method: "POST", body: form, redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location")!).searchParams;
}

async function begin(person: Person) {
  return startConnect(contextOf(person), "quickbooks", null);
}

describe("connect flow", () => {
  it("connects, with the state bound to the person who started it", async () => {
    const owner = await makePerson("flow");
    const callback = await consent(await begin(owner));
    const outcome = await completeConnect(owner, "quickbooks", callback);
    expect(outcome).toMatchObject({ kind: "done", notice: "connected", slug: owner.workspace.slug });
    const connection = await db().connection.findFirstOrThrow({ where: { workspaceId: owner.workspace.id } });
    expect(connection).toMatchObject({ provider: "QUICKBOOKS", externalAccountId: callback.get("realmId"), status: "ACTIVE" });
  });

  it("refuses someone else's state, a replay, and an expired flow, connecting nothing", async () => {
    const owner = await makePerson("flow-owner");
    const intruder = await makePerson("flow-intruder");
    const callback = await consent(await begin(owner));
    expect(await completeConnect(intruder, "quickbooks", callback)).toMatchObject({ kind: "error", notice: "wrong_user" });

    const fresh = await consent(await begin(owner));
    expect(await completeConnect(owner, "quickbooks", fresh)).toMatchObject({ kind: "done" });
    expect(await completeConnect(owner, "quickbooks", fresh)).toMatchObject({ kind: "error", notice: "replayed" });

    const late = await consent(await begin(owner));
    await db().oAuthFlow.updateMany({ where: { workspaceId: owner.workspace.id, usedAt: null }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await completeConnect(owner, "quickbooks", late)).toMatchObject({ kind: "error", notice: "expired" });
    expect(await db().connection.count({ where: { workspaceId: owner.workspace.id } })).toBe(1);
    expect(await db().connection.count({ where: { workspaceId: intruder.workspace.id } })).toBe(0);
  });

  it("reports denied consent and a forged state", async () => {
    const owner = await makePerson("flow-deny");
    const denied = await consent(await begin(owner), { decision: "deny" });
    expect(await completeConnect(owner, "quickbooks", denied)).toMatchObject({ kind: "error", notice: "denied" });
    const forged = new URLSearchParams({ state: "not-a-state", code: "code_x", realmId: "1" });
    expect(await completeConnect(owner, "quickbooks", forged)).toMatchObject({ kind: "error", notice: "invalid", slug: null });
    expect(await db().connection.count({ where: { workspaceId: owner.workspace.id } })).toBe(0);
  });

  it("does not connect the same account twice", async () => {
    const owner = await makePerson("flow-twice");
    const first = await consent(await begin(owner));
    await completeConnect(owner, "quickbooks", first);
    const realm = first.get("realmId")!;
    const second = await consent(await begin(owner), { account: realm });
    expect(second.get("realmId")).toBe(realm);
    expect(await completeConnect(owner, "quickbooks", second)).toMatchObject({ kind: "error", notice: "already_connected" });
    expect(await db().connection.count({ where: { workspaceId: owner.workspace.id } })).toBe(1);
  });

  it("lets only those who may manage connections start one", async () => {
    const owner = await makePerson("flow-viewer");
    await expect(startConnect(contextOf(owner, "MEMBER"), "quickbooks", null)).rejects.toMatchObject({ code: "forbidden" });
  });
});
