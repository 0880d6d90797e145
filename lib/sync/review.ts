/**
 * The first look at history, once every active connection of a workspace has finished its first
 * pull: the invoices the systems disagree on, or that a system which should hold them lacks, are
 * planned and what the rules cannot settle becomes conflicts for a person (an amount Xero holds
 * differently, an invoice only Stripe has, ...). Nothing is written to any system and nothing is
 * marked due: history is not pushed on connect; changes from now on are. A review is cheap to
 * repeat: an open conflict is never raised twice.
 */
import { db } from "../db";
import type { Provider } from "../db";
import { DEFAULT_CREATE_IN } from "./propagate/plan";
import { reviewInvoice } from "./propagate/reconcile";

/** Invoices looked at per query page. */
const PAGE = 500;

export async function firstPullsDone(workspaceId: string): Promise<boolean> {
  const connections = await db().connection.findMany({ where: { workspaceId, status: "ACTIVE" }, select: { cursors: true } });
  return connections.length > 0 && connections.every((c) => Boolean((c.cursors as { changes?: unknown } | null)?.changes));
}

/** Reviews the workspace's history if its first pulls are all done; answers the conflicts opened (0 when not yet). */
export async function reviewHistory(workspaceId: string): Promise<{ reviewed: number; opened: number }> {
  if (!(await firstPullsDone(workspaceId))) return { reviewed: 0, opened: 0 };
  const held = (await db().connection.findMany({ where: { workspaceId, status: "ACTIVE" }, select: { provider: true } })).map((c) => c.provider as Provider);
  const shouldHold = DEFAULT_CREATE_IN.filter((p) => held.includes(p)) as Provider[];
  let after = "";
  let reviewed = 0;
  let opened = 0;
  for (;;) {
    const ids = await db().invoice.findMany({
      where: {
        workspaceId,
        id: { gt: after },
        OR: [{ disagreement: true }, ...(shouldHold.length ? [{ status: { notIn: ["DRAFT" as const, "VOID" as const] }, NOT: { providers: { hasEvery: shouldHold } } }] : [])],
      },
      orderBy: { id: "asc" },
      take: PAGE,
      select: { id: true },
    });
    if (ids.length === 0) return { reviewed, opened };
    for (const { id } of ids) if (await reviewInvoice(id)) opened++;
    reviewed += ids.length;
    after = ids[ids.length - 1]!.id;
  }
}
