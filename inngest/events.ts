/**
 * The sync engine's events, typed with the zod schemas that validate them. They carry ids only:
 * every function reads the current state from PostgreSQL. Names match lib/jobs.ts, the one place
 * lib sends them.
 */
import { eventType } from "inngest";
import { z } from "zod";

export const webhookReceived = eventType("concord/webhook.received", { schema: z.object({ deliveryId: z.string(), connectionId: z.string() }) });
export const connectionPull = eventType("concord/connection.pull", { schema: z.object({ connectionId: z.string(), kind: z.enum(["BACKFILL", "INCREMENTAL"]).optional() }) });
/** Sweep now rather than at the next tick; `recover`: the app just started and nothing from before it is still running. */
export const sweepRequested = eventType("concord/sweep.requested", { schema: z.object({ recover: z.boolean().optional() }) });
export const invoiceChanged = eventType("concord/invoice.changed", { schema: z.object({ invoiceId: z.string() }) });
/** One planned write for one connection; one event name per provider, so each push function declares its provider's throttle. */
const push = z.object({ invoiceId: z.string(), connectionId: z.string(), idempotencyKey: z.string(), kind: z.enum(["create_invoice", "record_payment", "record_refund", "void_invoice", "update_invoice"]) });
export const pushRequested = {
  STRIPE: eventType("concord/push.stripe", { schema: push }),
  QUICKBOOKS: eventType("concord/push.quickbooks", { schema: push }),
  XERO: eventType("concord/push.xero", { schema: push }),
  HUBSPOT: eventType("concord/push.hubspot", { schema: push }),
} as const;
