/**
 * The daily digest: one email per member who may resolve conflicts, listing only the conflicts
 * opened since the previous digest, nothing when there are none, nobody emailed twice when a run
 * is retried, failures audited.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makeTeam } from "../../test/factories";
import { makeConflict, makeInvoice } from "../../test/notifications";
import type { ConflictLine } from "./conflicts";
import { digestMessage, sendDigest, type DigestOptions } from "./digest";
import { setDigest } from "./settings";
import { readNotifications } from "./store";

type Mail = { to: string; subject: string; text: string };
let outbox: Mail[];
const farHorizon = () => Promise.resolve(new Date(Date.now() + 3_600_000));
const options = (extra: DigestOptions = {}): DigestOptions => ({
  horizon: farHorizon,
  emailConfigured: () => true,
  send: (m) => {
    outbox.push(m);
    return Promise.resolve(true);
  },
  ...extra,
});

beforeEach(() => {
  outbox = [];
});

/** A team with the digest on, and a clock for conflicts that only moves forward. */
async function digestTeam() {
  const team = await makeTeam();
  await setDigest(contextOf(team.people.OWNER), true);
  let t = Date.now();
  const next = () => new Date((t += 1_000));
  return { team, workspaceId: team.workspace.id, next };
}

describe("daily digest", () => {
  it("emails owners, admins and members (not viewers) the new conflicts by kind, with invoice numbers and links", async () => {
    const { team, workspaceId, next } = await digestTeam();
    const inv = await makeInvoice(workspaceId, "INV-01042");
    await makeConflict(workspaceId, { invoiceId: inv.id, kind: "AMOUNT", createdAt: next() });
    await makeConflict(workspaceId, { invoiceId: inv.id, kind: "STATUS", field: "status", createdAt: next() });
    await makeConflict(workspaceId, { kind: "AMOUNT", createdAt: next(), status: "RESOLVED" });

    expect(await sendDigest(workspaceId, options())).toEqual({ state: "sent", conflicts: 3, recipients: 3, failed: 0, emailed: true });
    expect(outbox.map((m) => m.to).sort()).toEqual([team.people.OWNER.email, team.people.ADMIN.email, team.people.MEMBER.email].sort());
    const [mail] = outbox;
    expect(mail!.subject).toBe(`Concord: 3 new conflicts in ${team.workspace.name}`);
    expect(mail!.text).toContain("  Amount: 2\n  Status: 1");
    expect(mail!.text).toContain("- Status on invoice INV-01042: ");
    expect(mail!.text).toContain(`/w/${team.workspace.slug}/conflicts?q=INV-01042`);
    expect(mail!.text).toContain(`Open the conflict inbox: http`);
    expect(mail!.text).toMatch(new RegExp(`https?://[^/]+/w/${team.workspace.slug}/conflicts\\n`));
    expect((await readNotifications(workspaceId)).digest!.lastRun).toMatchObject({ conflicts: 3, recipients: 3, failed: 0, emailed: true });
  });

  it("sends nothing when no conflict was opened since the last digest, and only the new ones next time", async () => {
    const { workspaceId, next } = await digestTeam();
    const old = await makeInvoice(workspaceId, "INV-OLD");
    await makeConflict(workspaceId, { invoiceId: old.id, createdAt: next() });
    await sendDigest(workspaceId, options());
    outbox = [];

    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "nothing", conflicts: 0 });
    expect(outbox).toEqual([]);

    const fresh = await makeInvoice(workspaceId, "INV-NEW");
    await makeConflict(workspaceId, { invoiceId: fresh.id, kind: "DATE", field: "dueDate", createdAt: next() });
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "sent", conflicts: 1 });
    expect(outbox).toHaveLength(3);
    expect(outbox[0]!.text).toContain("INV-NEW");
    expect(outbox[0]!.text).not.toContain("INV-OLD");
    expect(outbox[0]!.subject).toContain("1 new conflict in");
  });

  it("starts from when it was turned on, and sends nothing while off", async () => {
    const team = await makeTeam();
    const workspaceId = team.workspace.id;
    await makeConflict(workspaceId, { createdAt: new Date(Date.now() - 60_000) });
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "disabled" });
    await setDigest(contextOf(team.people.ADMIN, "ADMIN", team.workspace), true);
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "nothing" });
    await makeConflict(workspaceId, { createdAt: new Date(Date.now() + 1_000) });
    await setDigest(contextOf(team.people.OWNER), false);
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "disabled" });
    expect(outbox).toEqual([]);
    const audited = await db().auditEntry.findMany({ where: { workspaceId, action: "notifications.digest.changed" }, orderBy: { id: "asc" } });
    expect(audited.map((e) => [e.actorLabel, e.changes])).toEqual([
      [team.people.ADMIN.email, { enabled: { old: false, new: true } }],
      [team.people.OWNER.email, { enabled: { old: true, new: false } }],
    ]);
  });

  it("a run stopped half-way resumes the same digest without emailing anyone twice", async () => {
    const { workspaceId, next } = await digestTeam();
    await makeConflict(workspaceId, { createdAt: next() });
    let calls = 0;
    const crashing = options({
      send: (m) => {
        if (++calls === 2) throw new Error("process died");
        outbox.push(m);
        return Promise.resolve(true);
      },
    });
    await expect(sendDigest(workspaceId, crashing)).rejects.toThrow("process died");
    expect(outbox).toHaveLength(1);
    // A conflict opened after the run started belongs to the next digest.
    await makeConflict(workspaceId, { createdAt: next() });
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "sent", conflicts: 1, recipients: 3 });
    expect(new Set(outbox.map((m) => m.to)).size).toBe(3);
    expect(outbox).toHaveLength(3);
    outbox = [];
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "sent", conflicts: 1 });
    expect(outbox).toHaveLength(3);
  });

  it("audits an email that could not be sent, and without SMTP moves on without email", async () => {
    const { team, workspaceId, next } = await digestTeam();
    await makeConflict(workspaceId, { createdAt: next() });
    const failing = options({ send: (m) => Promise.resolve(m.to !== team.people.ADMIN.email) });
    expect(await sendDigest(workspaceId, failing)).toMatchObject({ state: "sent", recipients: 3, failed: 1 });
    const failure = await db().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "notifications.digest.failed" } });
    expect(failure).toMatchObject({ subjectId: team.people.ADMIN.id, changes: { recipient: team.people.ADMIN.email, conflicts: 1 } });

    await makeConflict(workspaceId, { createdAt: next() });
    expect(await sendDigest(workspaceId, options({ emailConfigured: () => false }))).toMatchObject({ state: "sent", conflicts: 1, emailed: false });
    expect(outbox).toEqual([]);
    expect(await sendDigest(workspaceId, options())).toMatchObject({ state: "nothing" });
  });
});

describe("digestMessage", () => {
  it("lists at most the lines it is given and says how many more there are", () => {
    const lines: ConflictLine[] = Array.from({ length: 20 }, (_, i) => ({ id: `c${i}`, kind: "AMOUNT", field: "totalMinor", invoiceId: `i${i}`, invoiceNumber: `INV-${i}`, createdAt: new Date() }));
    const { subject, text } = digestMessage({ workspace: { name: "Acme", slug: "acme" }, total: 25, byKind: { AMOUNT: 25 }, lines });
    expect(subject).toBe("Concord: 25 new conflicts in Acme");
    expect(text.split("\n").filter((l) => l.startsWith("- "))).toHaveLength(20);
    expect(text).toContain("…and 5 more.");
  });
});
