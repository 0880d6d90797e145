/**
 * The safety net, run every few minutes by the scheduled sweep: what needs doing that no event
 * asked for. Incremental pulls for every active connection (polling catches every missed
 * webhook; a connection whose first backfill never finished backfills again), deliveries left
 * unprocessed (received but never picked up, stuck in processing after a crash, or failed and due
 * for another attempt), and tokens about to expire. Deliveries that failed MAX_DELIVERY_ATTEMPTS
 * times stay FAILED, visible with a Retry action (lib/webhooks/failed.ts), until a person retries them.
 */
import { db } from "../db";

export const MAX_DELIVERY_ATTEMPTS = 5;
/** A delivery not picked up within this long was missed (its event was lost or the app died). */
const PICKUP_GRACE_MS = 60_000;
/** Processing this long means the process died mid-way. */
const STUCK_MS = 5 * 60_000;
/** Tokens expiring within this window are refreshed ahead of time. */
const REFRESH_AHEAD_MS = 15 * 60_000;

export type SweepPlan = {
  pulls: { connectionId: string; kind: "BACKFILL" | "INCREMENTAL" }[];
  deliveries: { deliveryId: string; connectionId: string }[];
  refreshes: string[];
};

export async function planSweep(now = new Date()): Promise<SweepPlan> {
  const [connections, deliveries] = await Promise.all([
    db().connection.findMany({ where: { status: "ACTIVE" }, select: { id: true, cursors: true, tokenExpiresAt: true }, orderBy: { id: "asc" } }),
    db().webhookDelivery.findMany({
      where: {
        OR: [
          { status: "RECEIVED", receivedAt: { lt: new Date(now.getTime() - PICKUP_GRACE_MS) } },
          { status: "PROCESSING", receivedAt: { lt: new Date(now.getTime() - STUCK_MS) } },
          { status: "FAILED", attempts: { lt: MAX_DELIVERY_ATTEMPTS } },
        ],
        connection: { status: "ACTIVE" },
      },
      select: { id: true, connectionId: true },
      orderBy: { receivedAt: "asc" },
      take: 1_000,
    }),
  ]);
  return {
    pulls: connections.map((c) => ({ connectionId: c.id, kind: (c.cursors as { changes?: string } | null)?.changes ? "INCREMENTAL" : "BACKFILL" })),
    deliveries: deliveries.map((d) => ({ deliveryId: d.id, connectionId: d.connectionId! })),
    refreshes: connections.filter((c) => c.tokenExpiresAt && c.tokenExpiresAt.getTime() < now.getTime() + REFRESH_AHEAD_MS).map((c) => c.id),
  };
}
