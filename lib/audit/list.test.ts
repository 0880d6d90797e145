/** Browsing the audit trail: each filter, search, keyset pages, and never another workspace's entries. */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makePerson, type Person } from "../../test/factories";
import type { WorkspaceContext } from "../authz/context";
import { recordAudit, type AuditInput } from "./record";
import { listAudit } from "./list";
import { auditListQuery, type AuditEntryView } from "./schemas";

const write = (input: AuditInput) => db().$transaction((tx) => recordAudit(tx, input));

let owner: Person;
let ctx: WorkspaceContext;
let other: Person;
const RUN = "run_list_test";

async function everything(query: Record<string, string>): Promise<AuditEntryView[]> {
  const out: AuditEntryView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAudit(ctx, auditListQuery.parse({ ...query, limit: "3", ...(cursor ? { cursor } : {}) }));
    out.push(...page.data);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
const actions = (entries: AuditEntryView[]) => entries.map((e) => e.action);

beforeAll(async () => {
  owner = await makePerson("audit-list");
  other = await makePerson("audit-other");
  ctx = contextOf(owner);
  const workspaceId = owner.workspace.id;
  const person = { type: "USER" as const, id: owner.id, label: owner.email };
  await write({ workspaceId, actor: person, action: "member.invited", subjectType: "invitation", subjectId: "inv_1", changes: { email: "new@example.test" } });
  await write({ workspaceId, actor: { type: "API_KEY", id: "key_1", label: "Reporting key" }, action: "api_key.used", subjectType: "api_key", subjectId: "key_1" });
  await write({ workspaceId, actor: { type: "SYSTEM", id: RUN, label: "Stripe sync" }, action: "sync.pull", subjectType: "connection", subjectId: "conn_a", connectionId: "conn_a", correlationId: RUN, changes: { processed: 12 } });
  await write({
    workspaceId,
    actor: { type: "SYSTEM", label: "Sync engine" },
    action: "sync.push.record_payment",
    subjectType: "invoice",
    subjectId: "inv_42",
    connectionId: "conn_b",
    correlationId: RUN,
    changes: { amountPaidMinor: { old: "0", new: "123450" }, note: "paid via wire-7731" },
  });
  await write({ workspaceId, actor: person, action: "sync_rules.changed", subjectType: "workspace", subjectId: workspaceId, changes: { payments: { old: "STRIPE", new: "XERO" } } });
  // The same shapes in another workspace: none of it may ever show in the first.
  const stranger = { type: "USER" as const, id: other.id, label: other.email };
  for (const action of ["member.invited", "sync.pull", "sync.push.record_payment"]) {
    await write({ workspaceId: other.workspace.id, actor: stranger, action, subjectType: "invoice", subjectId: "inv_42", connectionId: "conn_b", correlationId: RUN, changes: { note: "paid via wire-7731" } });
  }
});

describe("listing the audit trail", () => {
  it("pages newest first by keyset, through every entry of the workspace and nothing else", async () => {
    const all = await everything({});
    expect(actions(all)).toEqual(["sync_rules.changed", "sync.push.record_payment", "sync.pull", "api_key.used", "member.invited"]);
    const ids = all.map((e) => BigInt(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i]! < ids[i - 1]!).toBe(true);
    expect(all.every((e) => typeof e.id === "string" && /^\d+$/.test(e.id))).toBe(true);
    const theirs = await db().auditEntry.findMany({ where: { workspaceId: other.workspace.id }, select: { id: true } });
    expect(theirs).toHaveLength(3);
    expect(all.map((e) => e.id)).not.toEqual(expect.arrayContaining([theirs[0]!.id.toString()]));
  });

  it("returns a page with a cursor that continues exactly after its last entry", async () => {
    const first = await listAudit(ctx, auditListQuery.parse({ limit: "2" }));
    expect(actions(first.data)).toEqual(["sync_rules.changed", "sync.push.record_payment"]);
    const second = await listAudit(ctx, auditListQuery.parse({ limit: "2", cursor: first.nextCursor! }));
    expect(actions(second.data)).toEqual(["sync.pull", "api_key.used"]);
    const third = await listAudit(ctx, auditListQuery.parse({ limit: "2", cursor: second.nextCursor! }));
    expect(actions(third.data)).toEqual(["member.invited"]);
    expect(third.nextCursor).toBeNull();
  });

  it("filters by actor type and by actor id or label", async () => {
    expect(actions(await everything({ actorType: "SYSTEM" }))).toEqual(["sync.push.record_payment", "sync.pull"]);
    expect(actions(await everything({ actorType: "API_KEY" }))).toEqual(["api_key.used"]);
    expect(actions(await everything({ actor: RUN }))).toEqual(["sync.pull"]);
    expect(actions(await everything({ actor: "reporting" }))).toEqual(["api_key.used"]);
    expect(actions(await everything({ actor: owner.email.toUpperCase() }))).toEqual(["sync_rules.changed", "member.invited"]);
  });

  it("filters by action prefix, literally", async () => {
    expect(actions(await everything({ action: "sync.push" }))).toEqual(["sync.push.record_payment"]);
    expect(actions(await everything({ action: "sync" }))).toEqual(["sync_rules.changed", "sync.push.record_payment", "sync.pull"]);
    // `_` and `%` are characters, not wildcards.
    expect(actions(await everything({ action: "sync_" }))).toEqual(["sync_rules.changed"]);
    expect(await everything({ action: "%" })).toEqual([]);
  });

  it("filters by subject, connection and correlation id", async () => {
    expect(actions(await everything({ subjectType: "invoice" }))).toEqual(["sync.push.record_payment"]);
    expect(actions(await everything({ subjectType: "invoice", subjectId: "inv_42" }))).toEqual(["sync.push.record_payment"]);
    expect(await everything({ subjectType: "invoice", subjectId: "inv_43" })).toEqual([]);
    expect(actions(await everything({ connectionId: "conn_a" }))).toEqual(["sync.pull"]);
    expect(actions(await everything({ correlationId: RUN }))).toEqual(["sync.push.record_payment", "sync.pull"]);
  });

  it("filters by date or time range", async () => {
    const entries = await everything({});
    const today = entries[0]!.at.slice(0, 10);
    const dayAfter = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const dayBefore = new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await everything({ from: today, to: today })).toHaveLength(5);
    expect(await everything({ from: dayAfter })).toEqual([]);
    expect(await everything({ to: dayBefore })).toEqual([]);
    // Exact times: from the third entry's instant on.
    const third = entries[2]!;
    const since = await everything({ from: third.at });
    expect(since.map((e) => e.id)).toEqual(entries.filter((e) => e.at >= third.at).map((e) => e.id));
    expect(await everything({ to: new Date(Date.parse(entries[4]!.at) - 1).toISOString() })).toEqual([]);
  });

  it("searches actor, action, subject and the before/after values, case-insensitively", async () => {
    expect(actions(await everything({ q: "WIRE-7731" }))).toEqual(["sync.push.record_payment"]);
    expect(actions(await everything({ q: "123450" }))).toEqual(["sync.push.record_payment"]);
    expect(actions(await everything({ q: "new@example" }))).toEqual(["member.invited"]);
    expect(actions(await everything({ q: "stripe sync" }))).toEqual(["sync.pull"]);
    expect(actions(await everything({ q: "inv_1" }))).toEqual(["member.invited"]);
    expect(await everything({ q: "nothing like this" })).toEqual([]);
  });

  it("needs the audit permission, and refuses a forged cursor", async () => {
    await expect(listAudit(contextOf(owner, "VIEWER"), auditListQuery.parse({}))).rejects.toMatchObject({ code: "forbidden" });
    await expect(listAudit(ctx, auditListQuery.parse({ cursor: Buffer.from("audit:1; drop").toString("base64url") }))).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("the audit query", () => {
  it("refuses unknown parameters, bad dates, inverted ranges and an unknown actor type", () => {
    expect(auditListQuery.safeParse({ who: "x" }).success).toBe(false);
    expect(auditListQuery.safeParse({ from: "2026-02-30" }).success).toBe(false);
    expect(auditListQuery.safeParse({ from: "2026-03-02", to: "2026-03-01" }).success).toBe(false);
    expect(auditListQuery.safeParse({ from: "2026-03-01", to: "2026-03-01" }).success).toBe(true);
    expect(auditListQuery.safeParse({ from: "2026-03-01T10:00:00Z", to: "2026-03-01T09:00:00Z" }).success).toBe(false);
    expect(auditListQuery.safeParse({ actorType: "ROBOT" }).success).toBe(false);
    expect(auditListQuery.safeParse({ limit: "500" }).success).toBe(false);
  });
});
