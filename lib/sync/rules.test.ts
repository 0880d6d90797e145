/** Source-of-truth rules: stored per workspace, audited, and followed by the canonical invoices. */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import type { ExternalInvoice } from "../connectors/types";
import { contextOf, makeTeam, type Person } from "../../test/factories";
import { DEFAULT_RULES, rulesFrom } from "./canonical";
import { ingestStored } from "./link";
import { upsertRecords } from "./records";
import { recomputeWorkspace, setSyncRules, syncRulesFor, winnersOf } from "./rules";

let owner: Person;
let viewer: Person;
let workspaceId: string;

function invoice(status: ExternalInvoice["status"], paid: bigint, lines: ExternalInvoice["lines"]): ExternalInvoice {
  return {
    externalId: `ext-${randomUUID()}`,
    version: "000000000001",
    updatedAt: new Date("2026-05-01T00:00:00Z"),
    deleted: false,
    raw: {},
    number: "INV-0077",
    customerExternalId: null,
    currency: "USD",
    totalMinor: 5_000n,
    amountPaidMinor: paid,
    amountDueMinor: 5_000n - paid,
    status,
    issueDate: "2026-05-01",
    dueDate: "2026-05-31",
    paidDate: paid > 0n ? "2026-05-10" : null,
    memo: null,
    crossReference: null,
    lines,
  };
}

beforeAll(async () => {
  const team = await makeTeam();
  owner = team.people.OWNER;
  viewer = team.people.VIEWER;
  workspaceId = team.workspace.id;
  const make = (provider: "STRIPE" | "QUICKBOOKS") => db().connection.create({ data: { workspaceId, provider, externalAccountId: `acct-${randomUUID()}`, displayName: provider } });
  const [stripe, quickbooks] = [await make("STRIPE"), await make("QUICKBOOKS")];
  for (const [connection, record] of [
    [stripe, invoice("PAID", 5_000n, [{ description: "From Stripe", quantity: "1", unitAmountMinor: 5_000n, amountMinor: 5_000n }])],
    [quickbooks, invoice("OPEN", 0n, [{ description: "From QuickBooks", quantity: "2", unitAmountMinor: 2_500n, amountMinor: 5_000n }])],
  ] as const) {
    const stored = await upsertRecords({ workspaceId, connectionId: connection.id }, [{ entity: "invoice", record }]);
    await ingestStored(workspaceId, { id: connection.id, provider: connection.provider }, stored.changed);
  }
});

const canonical = () => db().invoice.findFirstOrThrow({ where: { workspaceId }, select: { status: true, version: true, lines: { select: { description: true } } } });

describe("source-of-truth rules", () => {
  it("default to payments from the gateway and details from the accounting system", async () => {
    expect(await syncRulesFor(workspaceId)).toEqual(DEFAULT_RULES);
    expect(await canonical()).toMatchObject({ status: "PAID", lines: [{ description: "From QuickBooks" }] });
  });

  it("orders the rest after the chosen winner", () => {
    expect(rulesFrom({ payments: "XERO" }).payments).toEqual(["XERO", "STRIPE", "QUICKBOOKS", "HUBSPOT"]);
    expect(winnersOf(rulesFrom({ lines: "STRIPE" }))).toEqual({ payments: "STRIPE", header: "QUICKBOOKS", lines: "STRIPE" });
  });

  it("once changed, recompute every invoice under the new rules, audited", async () => {
    const before = await canonical();
    expect(await setSyncRules(contextOf(owner), { payments: "QUICKBOOKS", header: "QUICKBOOKS", lines: "STRIPE" })).toEqual({ changed: true });
    await recomputeWorkspace(workspaceId);
    expect(await canonical()).toMatchObject({ status: "OPEN", version: before.version + 1, lines: [{ description: "From Stripe" }] });
    const entry = await db().auditEntry.findFirstOrThrow({ where: { workspaceId, action: "sync_rules.changed" } });
    expect(entry.changes).toEqual({ payments: { old: "STRIPE", new: "QUICKBOOKS" }, lines: { old: "QUICKBOOKS", new: "STRIPE" } });
    // The same rules again change nothing.
    expect(await setSyncRules(contextOf(owner), { payments: "QUICKBOOKS", header: "QUICKBOOKS", lines: "STRIPE" })).toEqual({ changed: false });
  });

  it("are changed by owners and admins only", async () => {
    await expect(setSyncRules(contextOf(viewer, "VIEWER", owner.workspace), { payments: "XERO", header: "XERO", lines: "XERO" })).rejects.toMatchObject({ code: "forbidden" });
    expect(winnersOf(await syncRulesFor(workspaceId)).payments).toBe("QUICKBOOKS");
  });
});
