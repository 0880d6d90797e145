/**
 * QuickBooks Online webhooks: the `intuit-signature` check and both bodies Intuit sends, turned
 * into change hints per realm. Intuit signs with base64 HMAC-SHA256(verifier token, raw body) and
 * puts no timestamp in the scheme, so there is no tolerance window: replays are caught downstream
 * by event id. CloudEvents (a bare JSON array, mandatory for every app in 2026) carry their own
 * event ids; the legacy `eventNotifications` body has none, so each change gets a hash of what
 * identifies it.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { WebhookPayloadError } from "../errors";
import type { EntityKind, Verification, WebhookEvent, WebhookRequest } from "../types";
import { parseQboTime } from "./mappers";
import { cloudEventsBody, legacyWebhookBody } from "./schemas";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function signature(verifierToken: string, rawBody: string): string {
  return createHmac("sha256", verifierToken).update(rawBody, "utf8").digest("base64");
}

export function verify(request: WebhookRequest, secret: string, _now: Date): Verification {
  if (!secret) return { ok: false, reason: "no webhook verifier token is configured" };
  const given = request.headers.get("intuit-signature")?.trim();
  if (!given) return { ok: false, reason: "the intuit-signature header is missing" };
  if (!BASE64.test(given)) return { ok: false, reason: "the intuit-signature header is not base64" };
  const expected = Buffer.from(signature(secret, request.rawBody), "base64");
  const received = Buffer.from(given, "base64");
  if (received.length !== expected.length || !timingSafeEqual(received, expected)) return { ok: false, reason: "the signature does not match the body" };
  return { ok: true };
}

/** A RefundReceipt is a refund: a payment record of kind REFUND (client.ts getPayment reads either). */
const ENTITY_KINDS: Record<string, EntityKind> = { invoice: "invoice", payment: "payment", refundreceipt: "payment", customer: "customer" };
/** Legacy operations in the past tense CloudEvents types use, so both bodies share one vocabulary. */
const PAST: Record<string, string> = { create: "created", update: "updated", delete: "deleted", merge: "merged", void: "voided", emailed: "emailed" };

function entityKind(name: string): EntityKind | null {
  return ENTITY_KINDS[name.toLowerCase()] ?? null;
}

function occurredAt(text: string): Date {
  try {
    return parseQboTime(text);
  } catch {
    throw new WebhookPayloadError(`"${text}" is not a date-time`);
  }
}

/** `qbo.invoice.deleted.v1`: entity and operation live in the type. */
function parseCloudEvents(body: unknown[]): WebhookEvent[] {
  const parsed = cloudEventsBody.safeParse(body);
  if (!parsed.success) throw new WebhookPayloadError(`Not a QuickBooks CloudEvents body: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data.map((event) => {
    const match = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(event.type);
    const entity = match ? entityKind(match[1]!) : null;
    return {
      accountId: event.intuitaccountid,
      eventId: event.id,
      eventType: event.type,
      occurredAt: occurredAt(event.time),
      // Entities Concord does not sync (items, estimates...) still make an event, with no hints.
      hints: entity ? [{ entity, externalId: event.intuitentityid, deleted: match![2]!.toLowerCase() === "deleted" }] : [],
    };
  });
}

/** One event per changed entity, so a change is stored once whichever notification carried it. */
function parseLegacy(body: unknown): WebhookEvent[] {
  const parsed = legacyWebhookBody.safeParse(body);
  if (!parsed.success) throw new WebhookPayloadError(`Not a QuickBooks webhook body: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data.eventNotifications.flatMap((notification) =>
    notification.dataChangeEvent.entities.map((change) => {
      const entity = entityKind(change.name);
      const operation = change.operation.toLowerCase();
      const hints: WebhookEvent["hints"] = [];
      if (entity) {
        hints.push({ entity, externalId: change.id, deleted: operation === "delete" });
        // A merge keeps `id` and deletes `deletedId`.
        if (change.deletedId !== undefined) hints.push({ entity, externalId: change.deletedId, deleted: true });
      }
      const identity = [notification.realmId, change.name, change.id, change.operation, change.lastUpdated].join("\n");
      return {
        accountId: notification.realmId,
        eventId: createHash("sha256").update(identity, "utf8").digest("hex"),
        eventType: `qbo.${change.name.toLowerCase()}.${PAST[operation] ?? operation}.v1`,
        occurredAt: occurredAt(change.lastUpdated),
        hints,
      };
    }),
  );
}

export function parse(rawBody: string): WebhookEvent[] {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    throw new WebhookPayloadError("The webhook body is not JSON");
  }
  if (Array.isArray(body)) return parseCloudEvents(body);
  // A single CloudEvent not wrapped in an array (structured mode) reads the same.
  if (typeof body === "object" && body !== null && "specversion" in body) return parseCloudEvents([body]);
  if (typeof body === "object" && body !== null && "eventNotifications" in body) return parseLegacy(body);
  throw new WebhookPayloadError("The webhook body is neither CloudEvents nor eventNotifications");
}
