/**
 * Xero webhooks: `x-xero-signature` is the base64 HMAC-SHA256 of the raw body under the app's
 * webhook key, compared in constant time. Xero signs no timestamp, so there is no staleness
 * check; duplicates are caught by event id at intake. "Intent to receive" sends correctly and
 * incorrectly signed bodies with no events: the first must verify (intake answers 200, no body)
 * and parse to zero events, the second must not (401).
 * https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { WebhookPayloadError } from "../errors";
import type { EntityKind, Verification, WebhookEvent, WebhookRequest } from "../types";
import { webhookBodySchema } from "./schemas";

export function signature(key: string, rawBody: string): string {
  return createHmac("sha256", key).update(rawBody, "utf8").digest("base64");
}

export function verify(request: WebhookRequest, secret: string): Verification {
  if (!secret) return { ok: false, reason: "no Xero webhook key is configured" };
  const given = request.headers.get("x-xero-signature")?.trim();
  if (!given) return { ok: false, reason: "the x-xero-signature header is missing" };
  const expected = Buffer.from(signature(secret, request.rawBody), "utf8");
  const actual = Buffer.from(given, "utf8");
  // timingSafeEqual needs equal lengths; a length mismatch is a mismatch anyway.
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, reason: "the signature does not match the body" };
  return { ok: true };
}

/** Webhook dates are UTC without a zone designator: `2026-11-21T10:00:00.123`. */
function eventDate(value: string): Date {
  const text = value.trim();
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const date = new Date(zoned);
  if (Number.isNaN(date.getTime())) throw new WebhookPayloadError(`eventDateUtc "${value}" is not a date`);
  return date;
}

/**
 * Categories Concord follows. Payments have no category of their own: recording or deleting one
 * sends an INVOICE UPDATE, and ingest, which fetches the invoice fresh, sees the new amounts
 * (the payments themselves arrive with the next incremental pull). A credit note is a refund
 * (client.ts getPayment reads it as one when it refunds an invoice); refunding it in cash sends
 * a CREDITNOTE UPDATE. App subscriptions are not followed.
 */
const ENTITY: Record<string, EntityKind> = { INVOICE: "invoice", CONTACT: "customer", CREDITNOTE: "payment" };

export function parse(rawBody: string): WebhookEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new WebhookPayloadError("The Xero webhook body is not JSON");
  }
  const parsed = webhookBodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WebhookPayloadError(`The Xero webhook body is not Xero's shape at ${issue?.path.map(String).join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data.events.flatMap((event) => {
    const category = event.eventCategory.toUpperCase();
    const entity = Object.hasOwn(ENTITY, category) ? ENTITY[category] : undefined;
    if (!entity) return [];
    const type = event.eventType.toUpperCase();
    // Xero events carry no id: the fields that make one event unique, hashed.
    const eventId = createHash("sha256").update([event.tenantId, event.resourceId, category, type, event.eventDateUtc].join("|")).digest("hex");
    return [
      {
        accountId: event.tenantId,
        eventId,
        eventType: `${category}.${type}`,
        occurredAt: eventDate(event.eventDateUtc),
        hints: [{ entity, externalId: event.resourceId, deleted: false }],
      },
    ];
  });
}
