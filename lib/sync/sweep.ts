/**
 * The safety net, run every few minutes by the scheduled sweep: what needs doing that no event
 * asked for. Incremental pulls for every active connection (polling catches every missed
 * webhook; a connection whose first backfill never finished backfills again), deliveries left
 * unprocessed (received but never picked up, stuck in processing after a crash, or failed and due
 * for another attempt), invoices whose changes are due to reach the other systems (`syncDueAt`:
 * marked with the change, cleared once reconciled, so what a crash interrupted is found here),
 * and tokens about to expire. `recover`: the app just started and nothing from before it is
 * still running (the embedded executor keeps its runs in memory), so nothing gets a grace period. Deliveries that failed MAX_DELIVERY_ATTEMPTS
 * times stay FAILED, visible with a Retry action (lib/webhooks/failed.ts), until a person retries them.
 */
import { db } from "../db";

export const MAX_DELIVERY_ATTEMPTS = 5;
/** A delivery not picked up within this long was missed (its event was lost or the app died). */
const PICKUP_GRACE_MS = 60_000;
/** Processing this long means the process died mid-way. */
const STUCK_MS = 5 * 60_000;
/** An invoice due this long ago was not reconciled by the events its change sent. */
const RECONCILE_GRACE_MS = 60_000;
/** Invoices re-driven per sweep, oldest due first. */
const RECONCILE_BATCH = 500;
/** Tokens expiring within this window are refreshed ahead of time. */
const REFRESH_AHEAD_MS = 15 * 60_000;

export type SweepPlan = {
  pulls: { connectionId: string; kind: "BACKFILL" | "INCREMENTAL" }[];
  deliveries: { deliveryId: string; connectionId: string }[];
  reconciles: string[];
  refreshes: string[];
};

export async function planSweep(now = new Date(), { recover = false }: { recover?: boolean } = {}): Promise<SweepPlan> {
  const ago = (ms: number) => new Date(now.getTime() - (recover ? 0 : ms));
  const [connections, deliveries, due] = await Promise.all([
    db().connection.findMany({ where: { status: "ACTIVE" }, select: { id: true, cursors: true, tokenExpiresAt: true }, orderBy: { id: "asc" } }),
    db().webhookDelivery.findMany({
      where: {
        OR: [
          { status: "RECEIVED", receivedAt: { lte: ago(PICKUP_GRACE_MS) } },
          { status: "PROCESSING", receivedAt: { lte: ago(STUCK_MS) } },
          { status: "FAILED", attempts: { lt: MAX_DELIVERY_ATTEMPTS } },
        ],
        connection: { status: "ACTIVE" },
      },
      select: { id: true, connectionId: true },
      orderBy: { receivedAt: "asc" },
      take: 1_000,
    }),
    db().invoice.findMany({ where: { syncDueAt: { lte: ago(RECONCILE_GRACE_MS) } }, select: { id: true }, orderBy: { syncDueAt: "asc" }, take: RECONCILE_BATCH }),
  ]);
  return {
    pulls: connections.map((c) => ({ connectionId: c.id, kind: (c.cursors as { changes?: string } | null)?.changes ? "INCREMENTAL" : "BACKFILL" })),
    deliveries: deliveries.map((d) => ({ deliveryId: d.id, connectionId: d.connectionId! })),
    reconciles: due.map((i) => i.id),
    refreshes: connections.filter((c) => c.tokenExpiresAt && c.tokenExpiresAt.getTime() < now.getTime() + REFRESH_AHEAD_MS).map((c) => c.id),
  };
}
