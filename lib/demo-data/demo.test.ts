/**
 * The demo against the four sandboxes started here: the person and the password, four ACTIVE
 * connections whose sandboxes hold the same invoices, the planned differences as the app pulled
 * them, nothing new on a second run, and a rebuild after a sandbox lost its state.
 * (Every test of the "demo" workspace lives in this file: files run in parallel.)
 */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { verifyPassword } from "../auth/password";
import { makePerson } from "../../test/factories";
import { sandboxForTests, type TestSandbox } from "../../test/sandbox";
import type { ProviderId } from "../connectors/types";
import { DEMO_USER, ensureDemo } from "../demo";
import { ensureDemoData, setUpDemo, type SandboxUrls } from ".";

const sandboxes: Record<ProviderId, TestSandbox> = {
  stripe: sandboxForTests("stripe"),
  quickbooks: sandboxForTests("quickbooks"),
  xero: sandboxForTests("xero"),
  hubspot: sandboxForTests("hubspot"),
};
const urls = (): SandboxUrls => ({ stripe: sandboxes.stripe.server().url, quickbooks: sandboxes.quickbooks.server().url, xero: sandboxes.xero.server().url, hubspot: sandboxes.hubspot.server().url });
const accountCount = () => Object.values(sandboxes).reduce((n, s) => n + s.sandbox.accounts.size, 0);

type Snapshot = { number: string | null; status: string; totalMinor: string; customerExternalId: string | null; name?: string };

async function invoices(connectionId: string): Promise<Snapshot[]> {
  const rows = await db().externalRecord.findMany({ where: { connectionId, entityType: "INVOICE" }, select: { snapshot: true } });
  return rows.map((r) => r.snapshot as unknown as Snapshot);
}
const byNumber = (list: Snapshot[], number: string) => list.filter((i) => i.number === number);

describe("the demo data", () => {
  it("connects four seeded sandboxes with the planned differences, and a second run changes nothing", { timeout: 120_000 }, async () => {
    const owner = await makePerson("demo-data");
    const first = await ensureDemoData({ workspaceId: owner.workspace.id, connectedById: owner.id, sandboxes: urls() });
    if (first.kind === "stale") throw new Error("a new workspace cannot be stale");
    expect(first.kind).toBe("created");
    expect(first.pulls.map((p) => [p.provider, p.error])).toEqual([
      ["stripe", null],
      ["quickbooks", null],
      ["xero", null],
      ["hubspot", null],
    ]);

    const connections = await db().connection.findMany({ where: { workspaceId: owner.workspace.id }, orderBy: { provider: "asc" } });
    expect(connections.map((c) => [c.provider, c.status])).toEqual([
      ["STRIPE", "ACTIVE"],
      ["QUICKBOOKS", "ACTIVE"],
      ["XERO", "ACTIVE"],
      ["HUBSPOT", "ACTIVE"],
    ]);
    const id = (p: ProviderId) => first.connections.find((c) => c.provider === p)!.connectionId;
    const audit = await db().auditEntry.findMany({ where: { workspaceId: owner.workspace.id, action: "connection.connected" } });
    expect(audit).toHaveLength(4);

    // Each sandbox holds the same business: 300 invoices (plus what the plan added).
    for (const [provider, { sandbox }] of Object.entries(sandboxes)) {
      const accountId = connections.find((c) => c.provider === provider.toUpperCase())!.externalAccountId;
      const data = sandbox.data.get(accountId);
      const counts = sandbox.definition.counts(data);
      // Xero also holds supplier bills beside the sales invoices; only sales invoices are the business's invoices.
      const invoiceCount =
        provider === "xero" ? Object.values((data as { invoices: Record<string, { Type: string }> }).invoices).filter((i) => i.Type === "ACCREC").length : (counts.invoices ?? counts.Invoice);
      expect(invoiceCount, provider).toBe({ stripe: 301, quickbooks: 301, xero: 300, hubspot: 300 }[provider]);
    }
    const [stripe, quickbooks, xero, hubspot] = await Promise.all([invoices(id("stripe")), invoices(id("quickbooks")), invoices(id("xero")), invoices(id("hubspot"))]);
    expect(stripe.length).toBe(301);
    expect(quickbooks.length).toBe(301);
    expect(hubspot.length).toBe(300);
    expect(xero.length).toBe(300);

    const of = (kind: string) => first.inconsistencies.filter((i) => i.kind === kind).map((i) => i.invoiceNumber);
    // Paid in Stripe, open everywhere else.
    const [paid] = of("status");
    expect(byNumber(stripe, paid!)[0]!.status).toBe("PAID");
    expect(byNumber(quickbooks, paid!)[0]!.status).toBe("OPEN");
    expect(byNumber(xero, paid!)[0]!.status).toBe("OPEN");
    expect(byNumber(hubspot, paid!)[0]!.status).toBe("OPEN");
    expect(byNumber(xero, paid!)[0]!.totalMinor).toBe(byNumber(stripe, paid!)[0]!.totalMinor);
    // Another amount in Xero.
    const [changed] = of("amount");
    expect(byNumber(xero, changed!)[0]!.totalMinor).not.toBe(byNumber(stripe, changed!)[0]!.totalMinor);
    expect(byNumber(quickbooks, changed!)[0]!.totalMinor).toBe(byNumber(stripe, changed!)[0]!.totalMinor);
    // Numbered "1042" in HubSpot.
    const [renumbered] = of("number_format");
    expect(byNumber(hubspot, renumbered!)).toHaveLength(0);
    expect(byNumber(hubspot, renumbered!.replace(/^INV-0*/, ""))).toHaveLength(1);
    // Twice in QuickBooks.
    const [twice] = of("duplicate");
    expect(byNumber(quickbooks, `${twice}-2`)[0]!.totalMinor).toBe(byNumber(quickbooks, twice!)[0]!.totalMinor);
    // Only in Stripe.
    const [only] = of("missing_elsewhere");
    expect([stripe, quickbooks, xero, hubspot].map((list) => byNumber(list, only!).length)).toEqual([1, 0, 0, 0]);
    // A customer spelled differently in QuickBooks.
    const renamed = first.inconsistencies.find((i) => i.kind === "customer_name")!;
    const misspelled = /is "(.+)" in QuickBooks/.exec(renamed.detail)![1]!;
    const customers = await db().externalRecord.findMany({ where: { connectionId: id("quickbooks"), entityType: "CUSTOMER" }, select: { snapshot: true } });
    expect(customers.some((c) => (c.snapshot as { name?: string }).name === misspelled)).toBe(true);

    // What the rules cannot settle is in the inbox; the payments the rules can settle raise nothing.
    const conflicts = await db().conflict.findMany({ where: { workspaceId: owner.workspace.id, status: "OPEN" }, select: { kind: true, invoice: { select: { number: true } } } });
    const byKind = (kind: string) => conflicts.filter((c) => c.kind === kind).map((c) => c.invoice?.number ?? null).sort();
    expect(byKind("AMOUNT")).toEqual([...of("amount")].sort());
    expect(byKind("MISSING")).toEqual([only]);
    // The copy is the duplicate, whichever of the two QuickBooks records was linked first.
    expect(byKind("DUPLICATE")).toEqual([`${twice}-2`]);
    // The misspelling is asked about (other spellings the seed varies, "VANDELAY LABS LTD (2)", may be too).
    const spellings = await db().conflict.findMany({ where: { workspaceId: owner.workspace.id, kind: "CUSTOMER" }, select: { values: true } });
    const { customerRows } = await import("../conflicts/customer-rows");
    const rows = await customerRows(owner.workspace.id, spellings.map((c) => (c.values as { customerId: string }[])[0]!.customerId));
    expect([...rows.values()].some((r) => r.some((x) => x.provider === "QUICKBOOKS" && x.value === misspelled))).toBe(true);
    expect(byKind("STATUS")).toEqual([]);
    expect(await db().invoice.count({ where: { workspaceId: owner.workspace.id, syncDueAt: { not: null } } })).toBe(0);

    const accounts = accountCount();
    const again = await ensureDemoData({ workspaceId: owner.workspace.id, connectedById: owner.id, sandboxes: urls() });
    expect(again.kind).toBe("ready");
    if (again.kind === "stale") return;
    expect(again.connections.map((c) => c.connectionId).sort()).toEqual(first.connections.map((c) => c.connectionId).sort());
    expect(again.pulls).toEqual([]);
    expect(accountCount()).toBe(accounts);
    expect(await db().connection.count({ where: { workspaceId: owner.workspace.id } })).toBe(4);
  });

  it("adds only the provider a workspace lacks, with its share of the differences", { timeout: 60_000 }, async () => {
    const owner = await makePerson("demo-partial");
    const options = { workspaceId: owner.workspace.id, connectedById: owner.id, sandboxes: urls(), pull: false };
    const first = await ensureDemoData(options);
    if (first.kind === "stale") throw new Error("a new workspace cannot be stale");
    const hubspot = first.connections.find((c) => c.provider === "hubspot")!;
    await db().connection.delete({ where: { id: hubspot.connectionId } });

    const accounts = accountCount();
    const second = await ensureDemoData(options);
    if (second.kind === "stale") throw new Error("nothing was lost");
    expect(second.connections.filter((c) => c.created).map((c) => c.provider)).toEqual(["hubspot"]);
    expect(second.connections.filter((c) => !c.created).map((c) => c.connectionId).sort()).toEqual(first.connections.filter((c) => c.provider !== "hubspot").map((c) => c.connectionId).sort());
    expect(accountCount()).toBe(accounts + 1);
    // The same plan as the first time (read from the connected Xero), HubSpot's part only.
    expect(second.inconsistencies).toEqual(first.inconsistencies.filter((i) => i.provider === "hubspot"));
  });
});

describe("the demo workspace", () => {
  it("makes the password work, rebuilds the workspace when a sandbox lost its accounts, and is left alone otherwise", { timeout: 120_000 }, async () => {
    const first = await setUpDemo({ password: "first-demo-password", sandboxes: urls(), pull: false });
    expect(first).toMatchObject({ kind: "created", email: DEMO_USER.email, rebuilt: false });
    const user = await db().user.findUniqueOrThrow({ where: { email: DEMO_USER.email } });
    expect(await verifyPassword("first-demo-password", user.passwordHash!)).toBe(true);

    // Another DEMO_PASSWORD: it replaces the old one and ends older sessions.
    const again = await setUpDemo({ password: "second-demo-password", sandboxes: urls(), pull: false });
    expect(again).toMatchObject({ kind: "ready", rebuilt: false, setup: { passwordReset: true, workspace: first.setup.workspace } });
    const changed = await db().user.findUniqueOrThrow({ where: { email: DEMO_USER.email } });
    expect(await verifyPassword("second-demo-password", changed.passwordHash!)).toBe(true);
    expect(changed.sessionVersion).toBe(user.sessionVersion + 1);
    expect((await ensureDemo("second-demo-password")).passwordReset).toBe(false);

    // The Xero sandbox forgets everything: the workspace mirrors nothing real any more.
    await sandboxes.xero.post("/_sandbox/reset", {});
    const rebuilt = await setUpDemo({ password: "second-demo-password", sandboxes: urls(), pull: false });
    expect(rebuilt).toMatchObject({ kind: "created", rebuilt: true });
    expect(rebuilt.setup.workspace.id).not.toBe(first.setup.workspace.id);
    const connections = await db().connection.findMany({ where: { workspaceId: rebuilt.setup.workspace.id } });
    expect(connections.map((c) => c.status)).toEqual(["ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE"]);
    expect(await db().membership.findFirst({ where: { workspaceId: rebuilt.setup.workspace.id, userId: changed.id, role: "OWNER" } })).not.toBeNull();
  });
});
