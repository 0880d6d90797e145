import { describe, expect, it } from "vitest";
import { db } from "../db";
import { uniqueEmail } from "../../test/factories";
import { attempt, SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP } from "../auth/rate-limit";
import { changePassword, checkCredentials, EmailTakenError, sessionVersionOf, signUp } from "./users";

const PASSWORD = "a-good-long-password";

describe("signUp", () => {
  it("creates the person and a workspace they own", async () => {
    const email = uniqueEmail("owner");
    const { user, workspace } = await signUp({ name: "Grace", email, password: PASSWORD });
    const membership = await db().membership.findUniqueOrThrow({ where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } } });
    expect(membership.role).toBe("OWNER");
    expect(workspace.name).toBe("Grace's workspace");
    const stored = await db().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(stored.passwordHash).not.toContain(PASSWORD);
  });

  it("refuses a taken email and writes nothing", async () => {
    const email = uniqueEmail("twice");
    await signUp({ name: "First", email, password: PASSWORD });
    const workspacesBefore = await db().workspace.count();
    await expect(signUp({ name: "Second", email, password: PASSWORD, workspaceName: "Should not exist" })).rejects.toBeInstanceOf(EmailTakenError);
    expect(await db().workspace.count()).toBe(workspacesBefore);
    expect(await db().workspace.findFirst({ where: { name: "Should not exist" } })).toBeNull();
  });
});

describe("checkCredentials", () => {
  it("accepts the right password and refuses a wrong one or an unknown email alike", async () => {
    const email = uniqueEmail("check");
    await signUp({ name: "C", email, password: PASSWORD });
    expect(await checkCredentials({ email, password: PASSWORD, ip: null })).toMatchObject({ ok: true, user: { email } });
    expect(await checkCredentials({ email, password: "wrong-password", ip: null })).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials({ email: uniqueEmail("nobody"), password: "x", ip: null })).toEqual({ ok: false, reason: "invalid" });
  });

  it(`blocks an email after ${SIGN_IN_PER_EMAIL.max} failures in a minute, even with the right password`, async () => {
    const email = uniqueEmail("limited");
    await signUp({ name: "L", email, password: PASSWORD });
    for (let i = 0; i < SIGN_IN_PER_EMAIL.max; i++) {
      expect(await checkCredentials({ email, password: `wrong-${i}`, ip: null })).toEqual({ ok: false, reason: "invalid" });
    }
    const blocked = await checkCredentials({ email, password: PASSWORD, ip: null });
    expect(blocked).toMatchObject({ ok: false, reason: "rate_limited" });
    expect(blocked.ok === false && blocked.reason === "rate_limited" && blocked.retryAfterSeconds).toBeGreaterThan(0);
  });

  it(`blocks an IP after ${SIGN_IN_PER_IP.max} failures across emails`, async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const email = uniqueEmail("victim");
    await signUp({ name: "V", email, password: PASSWORD });
    // One real failure shows unknown emails count against the IP; the rest fill the window faster.
    expect(await checkCredentials({ email: uniqueEmail("spray"), password: "guess", ip })).toEqual({ ok: false, reason: "invalid" });
    for (let i = 1; i < SIGN_IN_PER_IP.max; i++) await attempt([{ key: `sign-in:ip:${ip}`, limit: SIGN_IN_PER_IP }]);
    expect(await checkCredentials({ email, password: PASSWORD, ip })).toMatchObject({ ok: false, reason: "rate_limited" });
    // The same person from elsewhere is not blocked.
    expect(await checkCredentials({ email, password: PASSWORD, ip: "198.51.100.7" })).toMatchObject({ ok: true });
  });

  it("counts parallel guesses before checking them, so a burst cannot beat the limit", async () => {
    const email = uniqueEmail("burst");
    await signUp({ name: "B", email, password: PASSWORD });
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => checkCredentials({ email, password: `guess-${i}`, ip: null })));
    expect(results.filter((r) => !r.ok && r.reason === "invalid")).toHaveLength(SIGN_IN_PER_EMAIL.max);
    expect(results.filter((r) => !r.ok && r.reason === "rate_limited")).toHaveLength(30 - SIGN_IN_PER_EMAIL.max);
  });

  it("forgets the email's failures after a success", async () => {
    const email = uniqueEmail("reset");
    await signUp({ name: "R", email, password: PASSWORD });
    for (let i = 0; i < SIGN_IN_PER_EMAIL.max - 1; i++) await checkCredentials({ email, password: "wrong", ip: null });
    expect(await checkCredentials({ email, password: PASSWORD, ip: null })).toMatchObject({ ok: true });
    expect(await checkCredentials({ email, password: "wrong", ip: null })).toEqual({ ok: false, reason: "invalid" });
    expect(await checkCredentials({ email, password: PASSWORD, ip: null })).toMatchObject({ ok: true });
  });
});

describe("changePassword", () => {
  it("ends sessions issued before the change", async () => {
    const email = uniqueEmail("sv");
    const { user } = await signUp({ name: "S", email, password: PASSWORD });
    const before = await sessionVersionOf(user.id);
    await changePassword(user.id, { currentPassword: PASSWORD, newPassword: "another-password" });
    expect(await sessionVersionOf(user.id)).toBe(before! + 1);
  });

  it("needs the current password", async () => {
    const email = uniqueEmail("pw");
    const { user } = await signUp({ name: "P", email, password: PASSWORD });
    await expect(changePassword(user.id, { currentPassword: "nope", newPassword: "another-password" })).rejects.toMatchObject({ code: "unprocessable" });
    await changePassword(user.id, { currentPassword: PASSWORD, newPassword: "another-password" });
    expect(await checkCredentials({ email, password: "another-password", ip: null })).toMatchObject({ ok: true });
    expect(await checkCredentials({ email, password: PASSWORD, ip: null })).toEqual({ ok: false, reason: "invalid" });
  });
});
