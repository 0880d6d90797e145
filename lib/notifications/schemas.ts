/**
 * Notifications' shapes in zod: the webhook URL people enter, and what Concord keeps in
 * Workspace.settings.notifications (the digest's and the webhook's configuration, cursors,
 * pending batch and last results), read back leniently so a bad value never breaks a page.
 */
import { z } from "zod";

/** Plain http is for a receiver on this machine only (tests, local development). */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "Enter the URL Concord should POST to.")
  .max(2_000, "Keep the URL under 2,000 characters.")
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a full URL, such as https://example.com/hooks/concord." });
      return;
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname))) {
      ctx.addIssue({ code: "custom", message: "Use an https:// URL (http:// only for localhost or 127.0.0.1)." });
    }
    if (url.username || url.password) {
      ctx.addIssue({ code: "custom", message: "Leave credentials out of the URL: receivers check the Concord-Signature header instead." });
    }
  });

/** Where a reader of conflicts stopped: the last one handled, in (createdAt, id) order. */
export const cursorSchema = z.object({ at: z.iso.datetime(), id: z.string() });
export type Cursor = z.infer<typeof cursorSchema>;

const sealedSchema = z.object({ ciphertext: z.string(), keyId: z.string() });
export type Sealed = z.infer<typeof sealedSchema>;

export const deliveryResultSchema = z.object({
  at: z.iso.datetime(),
  eventId: z.string(),
  ok: z.boolean(),
  /** The receiver's HTTP status, or null when there was no answer (timeout, refused, DNS). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  conflicts: z.number().int(),
  test: z.boolean(),
});
export type DeliveryResult = z.infer<typeof deliveryResultSchema>;

/** A batch formed once and sent until a 2xx: the same conflicts under the same event id every time. */
export const pendingBatchSchema = z.object({
  eventId: z.string(),
  conflictIds: z.array(z.string()),
  /** The cursor once this batch is delivered. */
  last: cursorSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime(),
  /** Set while one worker is sending it, so two never send the same batch at once (expires if it dies). */
  leaseUntil: z.iso.datetime().nullable(),
});
export type PendingBatch = z.infer<typeof pendingBatchSchema>;

export const webhookStateSchema = z.object({
  url: z.string(),
  secret: sealedSchema,
  secretCreatedAt: z.iso.datetime(),
  /** After a rotation the old secret also signs, for a day, so receivers can switch without dropping events. */
  previousSecret: sealedSchema.extend({ expiresAt: z.iso.datetime() }).nullable().default(null),
  cursor: cursorSchema,
  pending: pendingBatchSchema.nullable().default(null),
  lastDelivery: deliveryResultSchema.nullable().default(null),
});
export type WebhookState = z.infer<typeof webhookStateSchema>;

export const digestRunSchema = z.object({
  at: z.iso.datetime(),
  conflicts: z.number().int(),
  recipients: z.number().int(),
  failed: z.number().int(),
  /** False when no SMTP server is configured: the window passed without email. */
  emailed: z.boolean(),
});

export const digestStateSchema = z.object({
  enabled: z.boolean(),
  cursor: cursorSchema,
  /** A digest being sent: its window's end and who has had it, so a retried run never emails anyone twice. */
  inProgress: z.object({ upTo: cursorSchema, startedAt: z.iso.datetime(), sentTo: z.array(z.string()), failed: z.array(z.string()) }).nullable().default(null),
  lastRun: digestRunSchema.nullable().default(null),
});
export type DigestState = z.infer<typeof digestStateSchema>;

export const notificationsSchema = z.object({ digest: digestStateSchema.optional(), webhook: webhookStateSchema.optional() });
export type NotificationsState = z.infer<typeof notificationsSchema>;

/** What Concord POSTs for each batch (and, with `type: "test"` and no conflicts, for "Send test event"). */
export type WebhookBody = {
  type: "conflicts.opened" | "test";
  workspace: string;
  conflicts: { id: string; kind: string; field: string | null; invoiceId: string | null; invoiceNumber: string | null; createdAt: string }[];
  sentAt: string;
};
