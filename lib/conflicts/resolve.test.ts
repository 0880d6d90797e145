/**
 * The conflict inbox against the four sandboxes: differences made the way people make them (an
 * edit in Xero, a due date moved in two systems, an invoice entered twice, a customer spelled
 * another way), raised by the sync engine, decided here, and carried to the providers, whose
 * state is read back through their APIs. Also: roles, stale versions, two people at once, bad
 * input, ignore and reopen, bulk.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import type { WorkspaceContext } from "../authz/context";
import { connectorFor } from "../connectors";
import type { ProviderClient, ProviderId } from "../connectors/types";
import { accessToken, openTokens } from "../connections/tokens";
import { ApiError } from "../http/errors";
import { fourSystemsForTests } from "../../test/four-systems";
import { pullConnection } from "../sync/pull";
import { reconcileInvoice } from "../sync/propagate/reconcile";
import { getConflict, listConflicts } from "./list";
import { resolveConflict, resolveMany } from "./resolve";
import { conflictListQuery, type ConflictView } from "./schemas";
import type { Provider } from "../db";

const { sandboxes, providers: PROVIDERS, state } = fourSystemsForTests({ label: "Inbox", seed: 33, customers: 4, invoices: 24, currencies: ["USD"], live: true });

let ctx: WorkspaceContext;
const as = (role: WorkspaceContext["role"]): WorkspaceContext => ({ ...ctx, role });
type Chip = { provider: Provider; externalId: string; status: string; number: string | null; totalMinor: string };

beforeAll(async () => {
  await Promise.all(PROVIDERS.map((p) => pullConnection(state.connections[p], "BACKFILL")));
  const workspace = await db().workspace.findUniqueOrThrow({ where: { id: state.workspaceId }, select: { id: true, name: true, slug: true } });
  ctx = { workspace, role: "MEMBER", actor: { type: "USER", id: "user-inbox", label: "ana@inbox.test" } };
}, 120_000);

async function client(provider: Provider): Promise<ProviderClient> {
  const c = await db().connection.findUniqueOrThrow({ where: { id: state.connections[provider] } });
  return connectorFor(provider.toLowerCase() as ProviderId).client({ accountId: c.externalAccountId, accessToken: (force) => accessToken(c.id, force), connectionKey: `${c.id}:test` });
}

const used = new Set<string>();
/** An open invoice every system holds open, not used by another test. */
async function openInvoice(): Promise<{ id: string; chips: Chip[]; idIn: (p: Provider) => string }> {
  const invoices = await db().invoice.findMany({ where: { workspaceId: state.workspaceId, status: "OPEN" }, select: { id: true, systems: true, providers: true }, orderBy: { id: "asc" } });
  const found = invoices.find((i) => i.providers.length === 4 && !used.has(i.id) && (i.systems as Chip[]).every((c) => c.status === "OPEN"))!;
  expect(found).toBeTruthy();
  used.add(found.id);
  const chips = found.systems as Chip[];
  return { id: found.id, chips, idIn: (p) => chips.find((c) => c.provider === p)!.externalId };
}

const pull = async (...providers: Provider[]) => {
  for (const p of providers) expect(await pullConnection(state.connections[p], "INCREMENTAL")).toMatchObject({ error: null });
};

async function conflictOf(invoiceId: string, kind: ConflictView["kind"]): Promise<ConflictView> {
  const page = await listConflicts(ctx, conflictListQuery.parse({ kind, status: "OPEN,RESOLVED,IGNORED", limit: "200" }));
  const found = page.data.find((c) => c.invoice?.id === invoiceId || c.match?.other?.id === invoiceId);
  expect(found, `a ${kind} conflict on ${invoiceId}`).toBeTruthy();
  return found!;
}

/** Runs the sync engine on the invoice until the conflict's decision is carried out (or failed). */
async function carryOut(conflictId: string): Promise<ConflictView> {
  for (let i = 0; i < 6; i++) {
    const view = await getConflict(ctx, conflictId);
    if (view.push?.state === "done" || view.push?.state === "failed") return view;
    await reconcileInvoice(view.invoice!.id);
  }
  return getConflict(ctx, conflictId);
}

describe("deciding conflicts", () => {
  it("amount: takes QuickBooks' total, writes QuickBooks' lines to Xero, and shows the push as done", async () => {
    const inv = await openInvoice();
    const xero = await client("XERO");
    const before = (await xero.getInvoice(inv.idIn("XERO")))!;
    await xero.updateInvoice(inv.idIn("XERO"), { lines: [{ description: "Edited in Xero", quantity: "1", unitAmountMinor: before.totalMinor + 500n }] }, { idempotencyKey: "test:edit-xero" });
    await pull("XERO");
    const planned = await reconcileInvoice(inv.id);
    expect(planned!.plan.conflicts.map((c) => c.kind)).toEqual(["AMOUNT"]);
    expect(planned!.outcomes).toEqual([]);

    const conflict = await conflictOf(inv.id, "AMOUNT");
    expect(conflict).toMatchObject({ status: "OPEN", field: "totalMinor", actions: ["take", "ignore"] });
    expect(conflict.rows.find((r) => r.system === "xero")).toMatchObject({ value: String(before.totalMinor + 500n), differs: true });
    const resolved = await resolveConflict(ctx, conflict.id, { action: "take", source: state.connections.QUICKBOOKS, version: conflict.version });
    expect(resolved).toMatchObject({ status: "RESOLVED", version: conflict.version + 1, resolution: { action: "take", decidedValue: String(before.totalMinor), by: "ana@inbox.test" } });

    const done = await carryOut(conflict.id);
    expect(done.push).toMatchObject({ state: "done", error: null });
    expect(done.push!.pushes).toContainEqual(expect.objectContaining({ system: "xero", action: "update_invoice", ok: true }));
    const after = (await xero.getInvoice(inv.idIn("XERO")))!;
    expect(after.totalMinor).toBe(before.totalMinor);
    expect(after.lines.map((l) => l.description)).not.toContain("Edited in Xero");
    const audit = await db().auditEntry.findFirst({ where: { workspaceId: state.workspaceId, action: "conflict.resolved", correlationId: `conflict:${conflict.id}` } });
    expect(audit).toMatchObject({ actorType: "USER", actorLabel: "ana@inbox.test", subjectType: "invoice", subjectId: inv.id });
    // Agreed everywhere: the same difference later would be a new conflict.
    expect((await db().conflict.findUniqueOrThrow({ where: { id: conflict.id } })).openKey).toBeNull();
  });

  it("due date: refuses a bad value, then writes the entered date everywhere that can take it and says where not", async () => {
    const inv = await openInvoice();
    expect((await reconcileInvoice(inv.id))!.plan.writes).toEqual([]); // a completed sync to compare with
    const [qbo, xero] = [await client("QUICKBOOKS"), await client("XERO")];
    await qbo.updateInvoice(inv.idIn("QUICKBOOKS"), { dueDate: "2027-03-01" }, { idempotencyKey: "test:due-qbo" });
    await xero.updateInvoice(inv.idIn("XERO"), { dueDate: "2027-04-01" }, { idempotencyKey: "test:due-xero" });
    await pull("QUICKBOOKS", "XERO");
    expect((await reconcileInvoice(inv.id))!.plan.conflicts.map((c) => c.kind)).toContain("DATE");
    const conflict = await conflictOf(inv.id, "DATE");
    expect(conflict.actions).toEqual(["take", "enter", "ignore"]);

    await expect(resolveConflict(ctx, conflict.id, { action: "enter", value: "2027-02-30", version: conflict.version })).rejects.toMatchObject({ code: "unprocessable", fields: { value: ["Not a real date."] } });
    expect((await getConflict(ctx, conflict.id)).version).toBe(conflict.version);

    await resolveConflict(ctx, conflict.id, { action: "enter", value: "2027-05-15", version: conflict.version });
    const done = await carryOut(conflict.id);
    expect(done.push).toMatchObject({ state: "done", notes: ["Stripe cannot change the due date of an issued invoice"] });
    expect((await qbo.getInvoice(inv.idIn("QUICKBOOKS")))!.dueDate).toBe("2027-05-15");
    expect((await xero.getInvoice(inv.idIn("XERO")))!.dueDate).toBe("2027-05-15");
    expect((await (await client("HUBSPOT")).getInvoice(inv.idIn("HUBSPOT")))!.dueDate).toBe("2027-05-15");
  });

  it("missing: creates an invoice that only Stripe holds in the three other systems", async () => {
    const stripe = await client("STRIPE");
    const customer = await db().externalRecord.findFirstOrThrow({ where: { connectionId: state.connections.STRIPE, entityType: "CUSTOMER" }, select: { externalId: true } });
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const created = await stripe.createInvoice(
      { concordId: "not-a-concord-id", number: "ONLY-STRIPE-1", customer: { externalId: customer.externalId, name: "x", email: null }, currency: "USD", issueDate: yesterday, dueDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10), memo: null, lines: [{ description: "Only here", quantity: "1", unitAmountMinor: 4_200n }] },
      { idempotencyKey: "test:only-stripe" },
    );
    await new Promise((r) => setTimeout(r, 1_100));
    await pull("STRIPE");
    const record = await db().externalRecord.findFirstOrThrow({ where: { connectionId: state.connections.STRIPE, externalId: created.externalId } });
    await reconcileInvoice(record.invoiceId!);
    const conflict = await conflictOf(record.invoiceId!, "MISSING");
    expect(conflict.rows.filter((r) => r.value === null).map((r) => r.system).sort()).toEqual(["hubspot", "quickbooks", "xero"]);
    await resolveConflict(ctx, conflict.id, { action: "take", source: state.connections.STRIPE, version: conflict.version });
    const done = await carryOut(conflict.id);
    expect(done.push?.state).toBe("done");
    const holders = await db().externalRecord.findMany({ where: { invoiceId: record.invoiceId!, entityType: "INVOICE" }, select: { connectionId: true } });
    expect(holders.map((h) => h.connectionId).sort()).toEqual(Object.values(state.connections).sort());
  });

  it("duplicate: merging voids the copy entered twice in QuickBooks and keeps the original", async () => {
    const inv = await openInvoice();
    const qbo = await client("QUICKBOOKS");
    const original = (await qbo.getInvoice(inv.idIn("QUICKBOOKS")))!;
    const copy = await qbo.createInvoice(
      { concordId: inv.id, number: `${original.number}-2`, customer: { externalId: original.customerExternalId, name: "x", email: null }, currency: original.currency, issueDate: original.issueDate, dueDate: original.dueDate, memo: null, lines: original.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmountMinor: l.unitAmountMinor })) },
      { idempotencyKey: "test:duplicate" },
    );
    await pull("QUICKBOOKS");
    const conflict = await conflictOf(inv.id, "DUPLICATE");
    expect(conflict.actions).toEqual(["merge", "ignore"]);
    expect(conflict.match).toMatchObject({ record: { system: "quickbooks", externalId: copy.externalId }, other: { id: inv.id } });
    await resolveConflict(ctx, conflict.id, { action: "merge", version: conflict.version });
    const done = await carryOut(conflict.id);
    expect(done.push?.state).toBe("done");
    expect((await qbo.getInvoice(copy.externalId))!.status).toBe("VOID");
    expect((await qbo.getInvoice(original.externalId))!.status).toBe("OPEN");
    // The copy was never created anywhere else.
    expect(await db().externalRecord.count({ where: { invoiceId: conflict.invoice!.id, entityType: "INVOICE" } })).toBe(1);
  });

  it("possible match: confirming joins the record's invoice to the other, rejecting keeps both", async () => {
    const split = async () => {
      const inv = await openInvoice();
      const row = await db().invoice.findUniqueOrThrow({ where: { id: inv.id } });
      const { id: _id, createdAt: _c, updatedAt: _u, syncedState: _s, systems: _y, ...rest } = row;
      const started = await db().invoice.create({ data: { ...rest, providers: ["HUBSPOT"], systems: [] } });
      const record = await db().externalRecord.findFirstOrThrow({ where: { invoiceId: inv.id, connectionId: state.connections.HUBSPOT, entityType: "INVOICE" } });
      await db().externalRecord.update({ where: { id: record.id }, data: { invoiceId: started.id } });
      await db().conflict.create({
        data: {
          workspaceId: state.workspaceId,
          invoiceId: started.id,
          kind: "POSSIBLE_MATCH",
          values: { record: { connectionId: state.connections.HUBSPOT, provider: "HUBSPOT", externalId: record.externalId, invoiceId: started.id }, otherInvoiceId: inv.id, confidence: 80 },
          openKey: `POSSIBLE_MATCH:${[started.id, inv.id].sort().join(":")}`,
        },
      });
      return { kept: inv.id, started: started.id };
    };
    const a = await split();
    const first = await conflictOf(a.started, "POSSIBLE_MATCH");
    expect(first.actions).toEqual(["confirm", "reject", "ignore"]);
    const confirmed = await resolveConflict(ctx, first.id, { action: "confirm", version: first.version });
    expect(confirmed).toMatchObject({ status: "RESOLVED", invoice: { id: a.kept }, push: { state: "done" } });
    expect(await db().invoice.findUnique({ where: { id: a.started } })).toBeNull();
    expect((await db().invoice.findUniqueOrThrow({ where: { id: a.kept } })).providers.sort()).toEqual([...PROVIDERS].sort());

    const b = await split();
    const second = await conflictOf(b.started, "POSSIBLE_MATCH");
    await resolveConflict(ctx, second.id, { action: "reject", version: second.version });
    expect(await db().invoice.findUnique({ where: { id: b.started } })).not.toBeNull();
    expect(await db().externalRecord.count({ where: { invoiceId: b.started } })).toBe(1);
  });

  it("customer: a new spelling raises a conflict; taking it renames Concord's customer and its invoices", async () => {
    const stripeCustomer = await db().externalRecord.findFirstOrThrow({ where: { connectionId: state.connections.STRIPE, entityType: "CUSTOMER", customerId: { not: null } }, select: { customerId: true, snapshot: true } });
    const email = (stripeCustomer.snapshot as { email: string }).email;
    const qbo = await db().connection.findUniqueOrThrow({ where: { id: state.connections.QUICKBOOKS } });
    const token = openTokens(qbo.tokensCiphertext!, qbo.tokenKeyId!).accessToken;
    const made = await fetch(`${sandboxes.QUICKBOOKS.server().url}/v3/company/${qbo.externalAccountId}/customer?minorversion=75`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ DisplayName: "Spelt Differently Ltd", PrimaryEmailAddr: { Address: email } }),
    });
    expect(made.status).toBe(200);
    await pull("QUICKBOOKS");
    const page = await listConflicts(ctx, conflictListQuery.parse({ kind: "CUSTOMER" }));
    const conflict = page.data.find((c) => c.customer?.id === stripeCustomer.customerId)!;
    expect(conflict).toBeTruthy();
    expect(conflict.rows.map((r) => r.value)).toContain("Spelt Differently Ltd");
    const row = conflict.rows.find((r) => r.value === "Spelt Differently Ltd")!;
    const resolved = await resolveConflict(ctx, conflict.id, { action: "take", source: row.source, version: conflict.version });
    expect(resolved, JSON.stringify(resolved)).toMatchObject({ push: { state: "done" } });
    expect((await db().customer.findUniqueOrThrow({ where: { id: stripeCustomer.customerId! } })).name).toBe("Spelt Differently Ltd");
    const names = await db().invoice.findMany({ where: { customerId: stripeCustomer.customerId }, select: { customerName: true } });
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names.map((n) => n.customerName))).toEqual(new Set(["Spelt Differently Ltd"]));
  });
});

describe("who decides, and when two people do", () => {
  let conflict: ConflictView;
  beforeAll(async () => {
    const inv = await openInvoice();
    const xero = await client("XERO");
    const before = (await xero.getInvoice(inv.idIn("XERO")))!;
    await xero.updateInvoice(inv.idIn("XERO"), { lines: [{ description: "Another edit", quantity: "2", unitAmountMinor: before.totalMinor }] }, { idempotencyKey: "test:edit-xero-2" });
    await pull("XERO");
    await reconcileInvoice(inv.id);
    conflict = await conflictOf(inv.id, "AMOUNT");
  });

  it("refuses a viewer, and changes nothing", async () => {
    await expect(resolveConflict(as("VIEWER"), conflict.id, { action: "ignore", reason: "not mine", version: conflict.version })).rejects.toMatchObject({ code: "forbidden" });
    expect((await getConflict(ctx, conflict.id)).version).toBe(conflict.version);
  });

  it("lets one of two people deciding at once win and tells the other, writing one audit entry", async () => {
    const [a, b] = await Promise.allSettled([
      resolveConflict(ctx, conflict.id, { action: "ignore", reason: "known difference", version: conflict.version }),
      resolveConflict({ ...ctx, actor: { type: "USER", id: "user-2", label: "bo@inbox.test" } }, conflict.id, { action: "take", source: state.connections.XERO, version: conflict.version }),
    ]);
    const outcomes = [a, b].map((r) => r.status);
    expect(outcomes.sort()).toEqual(["fulfilled", "rejected"]);
    const loser = [a, b].find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(ApiError);
    expect(loser.reason).toMatchObject({ code: "conflict", message: expect.stringContaining("Someone else decided this conflict") });
    const entries = await db().auditEntry.count({ where: { correlationId: `conflict:${conflict.id}` } });
    expect(entries).toBe(1);
    expect((await getConflict(ctx, conflict.id)).version).toBe(conflict.version + 1);
  });

  it("answers a stale version with 409, ignores without raising it again, and reopens", async () => {
    const now = await getConflict(ctx, conflict.id);
    await expect(resolveConflict(ctx, conflict.id, { action: "reopen", version: conflict.version })).rejects.toMatchObject({ code: "conflict" });
    if (now.status !== "IGNORED") {
      // The take won the race above: reopen it, then ignore.
      const reopened = await resolveConflict(ctx, conflict.id, { action: "reopen", version: now.version });
      await resolveConflict(ctx, conflict.id, { action: "ignore", reason: "known difference", version: reopened.version });
    }
    const ignored = await getConflict(ctx, conflict.id);
    expect(ignored).toMatchObject({ status: "IGNORED", actions: ["reopen"], resolution: { action: "ignore", reason: "known difference" } });
    await reconcileInvoice(ignored.invoice!.id);
    expect(await db().conflict.count({ where: { invoiceId: ignored.invoice!.id, kind: "AMOUNT", status: "OPEN" } })).toBe(0);
    const reopened = await resolveConflict(ctx, conflict.id, { action: "reopen", version: ignored.version });
    expect(reopened).toMatchObject({ status: "OPEN", resolution: null, actions: ["take", "ignore"] });
  });

  it("bulk: decides each conflict on its own and reports each outcome", async () => {
    const open = await getConflict(ctx, conflict.id);
    const result = await resolveMany(ctx, { action: "ignore", reason: "bulk review", items: [{ id: open.id, version: open.version }, { id: "no-such-conflict", version: 1 }] });
    expect(result.data).toEqual([
      { id: open.id, ok: true, error: null },
      { id: "no-such-conflict", ok: false, error: { code: "not_found", message: "No such conflict." } },
    ]);
    expect((await getConflict(ctx, open.id)).status).toBe("IGNORED");
  });

  it("lists by kind with counts, and searches by invoice number", async () => {
    const all = await listConflicts(ctx, conflictListQuery.parse({ status: "OPEN,RESOLVED,IGNORED" }));
    expect(all.counts.total).toBeGreaterThanOrEqual(6);
    for (const kind of ["AMOUNT", "DATE", "MISSING", "DUPLICATE", "POSSIBLE_MATCH", "CUSTOMER"]) expect(all.counts.byKind[kind]).toBeGreaterThan(0);
    const number = all.data.find((c) => c.invoice?.number)!.invoice!.number!;
    const found = await listConflicts(ctx, conflictListQuery.parse({ status: "OPEN,RESOLVED,IGNORED", q: number }));
    expect(found.data.length).toBeGreaterThan(0);
    expect(found.data.every((c) => c.invoice?.number === number || c.match?.other?.number === number || c.kind === "CUSTOMER")).toBe(true);
    const paged = await listConflicts(ctx, conflictListQuery.parse({ status: "OPEN,RESOLVED,IGNORED", limit: "2" }));
    const next = await listConflicts(ctx, conflictListQuery.parse({ status: "OPEN,RESOLVED,IGNORED", limit: "2", cursor: paged.nextCursor! }));
    expect(next.data.map((c) => c.id)).not.toContain(paged.data[0]!.id);
  });
});

describe("auto-resolution rules in the engine", () => {
  it("settles a rounding difference by itself, once, and records it as such", async () => {
    const { setAutoResolveRules } = await import("./auto-rules");
    await setAutoResolveRules({ ...ctx, role: "OWNER" }, { roundingMinor: 1, dueDateFromSource: false });
    const inv = await openInvoice();
    const xero = await client("XERO");
    const before = (await xero.getInvoice(inv.idIn("XERO")))!;
    await xero.updateInvoice(inv.idIn("XERO"), { lines: [{ description: "Rounded in Xero", quantity: "1", unitAmountMinor: before.totalMinor + 1n }] }, { idempotencyKey: "test:round-xero" });
    await pull("XERO");
    expect((await reconcileInvoice(inv.id))!.plan.conflicts).toEqual([]);
    await reconcileInvoice(inv.id);
    const conflicts = await db().conflict.findMany({ where: { invoiceId: inv.id, kind: "AMOUNT" } });
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ status: "RESOLVED", resolution: expect.objectContaining({ action: "auto", rule: "rounding" }) });
    expect(await db().auditEntry.count({ where: { workspaceId: state.workspaceId, action: "conflict.auto_resolved", subjectId: inv.id } })).toBe(1);
    const view = await getConflict(ctx, conflicts[0]!.id);
    expect(view).toMatchObject({ resolution: { action: "auto", rule: "rounding", by: "Auto-resolution rule" }, push: { state: "done" } });
  });
});
