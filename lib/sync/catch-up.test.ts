/**
 * History on request: an invoice paid in Stripe before Concord was connected stays as it is after
 * the first pulls, and is synced once someone applies the rules to history.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { openTokens } from "../connections/tokens";
import { fourSystemsForTests } from "../../test/four-systems";
import { pullConnection } from "./pull";
import { reconcileInvoice } from "./propagate/reconcile";
import { catchUpHistory, historyBacklog } from "./catch-up";
import type { WorkspaceContext } from "../authz/context";

const { sandboxes, providers: PROVIDERS, state } = fourSystemsForTests({ label: "CatchUp", seed: 44, customers: 3, invoices: 12, currencies: ["USD"], live: true });
let ctx: WorkspaceContext;
let paidNumber = "";

beforeAll(async () => {
  // Paid in Stripe before the first pull: history.
  const stripe = await db().connection.findUniqueOrThrow({ where: { id: state.connections.STRIPE } });
  const token = openTokens(stripe.tokensCiphertext!, stripe.tokenKeyId!).accessToken;
  const list = (await (await fetch(`${sandboxes.STRIPE.server().url}/v1/invoices?status=open&limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { id: string; number: string; amount_paid: number }[] };
  // Nothing paid yet: HubSpot keeps no payment records, so an earlier partial payment would blur the picture.
  const open = list.data.find((i) => i.amount_paid === 0)!;
  paidNumber = open.number;
  const paid = await fetch(`${sandboxes.STRIPE.server().url}/v1/invoices/${open.id}/pay`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" }, body: "paid_out_of_band=true" });
  expect(paid.status).toBe(200);
  await Promise.all(PROVIDERS.map((p) => pullConnection(state.connections[p], "BACKFILL")));
  const workspace = await db().workspace.findUniqueOrThrow({ where: { id: state.workspaceId }, select: { id: true, name: true, slug: true } });
  ctx = { workspace, role: "ADMIN", actor: { type: "USER", id: "u-admin", label: "admin@catchup.test" } };
}, 120_000);

describe("catching up history", () => {
  it("leaves history alone after the first pulls, then applies the rules when asked, once", async () => {
    const invoice = await db().invoice.findFirstOrThrow({ where: { workspaceId: state.workspaceId, number: paidNumber }, select: { id: true, status: true, disagreement: true, syncDueAt: true } });
    expect(invoice).toMatchObject({ status: "PAID", disagreement: true, syncDueAt: null });
    expect(await historyBacklog(ctx)).toBeGreaterThanOrEqual(1);
    await expect(catchUpHistory({ ...ctx, role: "MEMBER" })).rejects.toMatchObject({ code: "forbidden" });

    const { invoices } = await catchUpHistory(ctx);
    expect(invoices).toBeGreaterThanOrEqual(1);
    expect(await historyBacklog(ctx)).toBe(0);
    // The sync engine (in this process, without Inngest) reconciles it in the background.
    const paidEverywhere = async () => {
      const now = await db().invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { systems: true } });
      return (now.systems as { status: string }[]).map((c) => c.status).join() === "PAID,PAID,PAID,PAID";
    };
    for (let i = 0; i < 80 && !(await paidEverywhere()); i++) await new Promise((r) => setTimeout(r, 250));
    expect(await paidEverywhere()).toBe(true);
    expect((await reconcileInvoice(invoice.id))!.plan.writes).toEqual([]);
    expect(await db().auditEntry.count({ where: { workspaceId: state.workspaceId, action: "sync.history_caught_up" } })).toBe(1);
    expect((await catchUpHistory(ctx)).invoices).toBe(0);
  });
});
