/**
 * The trail is append-only in the database, and "Verify integrity" finds tampering that gets past
 * it (someone with the power to switch the trigger off): a changed row, a removed row, a rewritten
 * hash, each reported at the first broken link.
 */
import { describe, expect, it } from "vitest";
import { db, type DbOrTx } from "../db";
import { contextOf, makePerson } from "../../test/factories";
import { entryContent, entryHash, recordAudit, type AuditInput } from "./record";
import { verifyAudit, verifyChain } from "./verify";

const write = (input: AuditInput) => db().$transaction((tx) => recordAudit(tx, input));

/** Tampering as an attacker with table-owner rights would: the trigger off, inside one transaction (so nobody else ever sees it off). */
async function tamper(fn: (tx: DbOrTx) => Promise<unknown>): Promise<void> {
  await db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`);
    await fn(tx);
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_append_only"`);
  });
}

async function trail(entries = 6) {
  const owner = await makePerson("verify");
  const workspaceId = owner.workspace.id;
  for (let i = 0; i < entries; i++) {
    await write({
      workspaceId,
      actor: { type: "SYSTEM", id: `run_${i}`, label: "Stripe sync" },
      action: "sync.push.record_payment",
      subjectType: "invoice",
      subjectId: `inv_${i}`,
      connectionId: "conn_1",
      correlationId: `run_${i}`,
      changes: { amountPaidMinor: { old: "0", new: String(1000 + i) }, nested: { list: [1, "two", null, { z: true, a: 1.5 }] } },
    });
  }
  const ids = (await db().auditEntry.findMany({ where: { workspaceId }, orderBy: { id: "asc" }, select: { id: true } })).map((e) => e.id);
  return { owner, workspaceId, ids };
}

describe("the database keeps the trail append-only", () => {
  it("refuses UPDATE, DELETE and TRUNCATE", async () => {
    const { workspaceId, ids } = await trail(2);
    await expect(db().auditEntry.update({ where: { id: ids[0]! }, data: { actorLabel: "someone else" } })).rejects.toThrow(/append-only: UPDATE/);
    await expect(db().auditEntry.updateMany({ where: { workspaceId }, data: { changes: {} } })).rejects.toThrow(/append-only: UPDATE/);
    await expect(db().auditEntry.delete({ where: { id: ids[1]! } })).rejects.toThrow(/append-only: DELETE/);
    await expect(db().$executeRawUnsafe(`DELETE FROM "AuditEntry" WHERE "workspaceId" = $1`, workspaceId)).rejects.toThrow(/append-only: DELETE/);
    await expect(db().$executeRawUnsafe(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/append-only: TRUNCATE/);
    expect(await db().auditEntry.count({ where: { workspaceId } })).toBe(2);
    expect((await verifyChain(workspaceId)).ok).toBe(true);
  });

  it("keeps the entries of a removed connection as written, and lets a deleted workspace take its own trail only", async () => {
    const { owner, workspaceId } = await trail(0);
    const connection = await db().connection.create({ data: { workspaceId, provider: "STRIPE", externalAccountId: "acct_gone", displayName: "Stripe" } });
    await write({ workspaceId, actor: { type: "SYSTEM", label: "Stripe sync" }, action: "sync.pull", subjectType: "connection", subjectId: connection.id, connectionId: connection.id });
    await db().connection.delete({ where: { id: connection.id } });
    const kept = await db().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "sync.pull" } });
    expect(kept.connectionId).toBe(connection.id);
    expect((await verifyChain(workspaceId)).ok).toBe(true);

    const bystander = await trail(2);
    await db().workspace.delete({ where: { id: workspaceId } });
    expect(await db().auditEntry.count({ where: { workspaceId } })).toBe(0);
    expect(await db().auditEntry.count({ where: { workspaceId: bystander.workspaceId } })).toBe(2);
    expect(owner.workspace.id).toBe(workspaceId);
  });
});

describe("verify integrity", () => {
  it("finds an intact chain intact, and records the check in the trail", async () => {
    const { owner, workspaceId, ids } = await trail(6);
    expect(await verifyChain(workspaceId, 4)).toEqual({ ok: true, checked: 6, broken: 0, firstBroken: null, head: { id: ids[5]!.toString(), hash: expect.any(String) } });
    const report = await verifyAudit(contextOf(owner));
    expect(report).toEqual({ ok: true, checked: 6, broken: 0, firstBroken: null });
    const recorded = await db().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "audit.verified" } });
    expect(recorded).toMatchObject({ actorType: "USER", actorId: owner.id, changes: { ok: true, checked: 6, firstBroken: null, head: { id: ids[5]!.toString() } } });
    // The record of the check is itself a sound link.
    expect(await verifyAudit(contextOf(owner))).toMatchObject({ ok: true, checked: 7 });
    await expect(verifyAudit(contextOf(owner, "VIEWER"))).rejects.toMatchObject({ code: "forbidden" });
  });

  it("reports a changed row at that row, and says a failed check in the trail", async () => {
    const { owner, workspaceId, ids } = await trail(6);
    const other = await trail(3);
    await tamper((tx) => tx.$executeRaw`UPDATE "AuditEntry" SET "changes" = jsonb_set("changes", '{amountPaidMinor,new}', '"999999"') WHERE "id" = ${ids[2]!}`);
    const at = (await db().auditEntry.findUniqueOrThrow({ where: { id: ids[2]! } })).at.toISOString();
    const report = await verifyAudit(contextOf(owner));
    expect(report).toEqual({ ok: false, checked: 6, broken: 1, firstBroken: { id: ids[2]!.toString(), at, reason: expect.stringMatching(/content does not match its hash/) } });
    expect(await db().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "audit.verified" } })).toMatchObject({ changes: { ok: false, firstBroken: { id: ids[2]!.toString() } } });
    // Another workspace's chain is its own.
    expect((await verifyChain(other.workspaceId)).ok).toBe(true);
  });

  it("reports a removed row at the entry after the gap, across batches", async () => {
    const { workspaceId, ids } = await trail(7);
    await tamper((tx) => tx.$executeRaw`DELETE FROM "AuditEntry" WHERE "id" = ${ids[4]!}`);
    const report = await verifyChain(workspaceId, 2);
    expect(report).toMatchObject({ ok: false, checked: 6, broken: 1, firstBroken: { id: ids[5]!.toString(), reason: expect.stringMatching(new RegExp(`link does not match entry #${ids[3]}`)) } });
  });

  it("reports a row whose hash was recomputed to fit its new content, at the next link", async () => {
    const { workspaceId, ids } = await trail(5);
    const row = await db().auditEntry.findUniqueOrThrow({ where: { id: ids[1]! } });
    const forged = { ...row, actorLabel: "Nobody" };
    await tamper((tx) => tx.$executeRaw`UPDATE "AuditEntry" SET "actorLabel" = 'Nobody', "hash" = ${entryHash(row.prevHash, entryContent(forged))} WHERE "id" = ${row.id}`);
    expect(await verifyChain(workspaceId)).toMatchObject({ ok: false, broken: 1, firstBroken: { id: ids[2]!.toString(), reason: expect.stringMatching(/link does not match/) } });
  });

  it("reports entries removed from the start", async () => {
    const { workspaceId, ids } = await trail(3);
    await tamper((tx) => tx.$executeRaw`DELETE FROM "AuditEntry" WHERE "id" = ${ids[0]!}`);
    expect(await verifyChain(workspaceId)).toMatchObject({ ok: false, firstBroken: { id: ids[1]!.toString(), reason: expect.stringMatching(/first entry/) } });
  });
});
