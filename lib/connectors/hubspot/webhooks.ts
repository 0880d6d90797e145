/**
 * HubSpot webhooks: the v3 signature check and the body turned into hints. A request carries a
 * JSON array of events, possibly for several portals; each event becomes one WebhookEvent.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 * https://developers.hubspot.com/docs/api/webhooks
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { WebhookPayloadError } from "../errors";
import type { EntityKind, Verification, WebhookEvent, WebhookRequest } from "../types";
import { COMPANY_TYPE_ID, CONTACT_TYPE_ID, customerExternalId, INVOICE_TYPE_ID } from "./mappers";
import { webhookBodySchema, type HubspotWebhookEvent } from "./schemas";

/** HubSpot: reject requests whose timestamp is older than 5 minutes; the same margin the other way for clock skew. */
const MAX_AGE_MS = 5 * 60_000;
const MAX_AHEAD_MS = 5 * 60_000;

/**
 * HubSpot signs the URI with these characters decoded, so a URL that reaches us percent-encoded
 * is checked in that form too (the exact URL is tried first).
 */
const DECODED: Record<string, string> = { "%3A": ":", "%2F": "/", "%3F": "?", "%40": "@", "%21": "!", "%24": "$", "%27": "'", "%28": "(", "%29": ")", "%2A": "*", "%2C": ",", "%3B": ";" };

function uriForms(url: string): string[] {
  const decoded = url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
  return decoded === url ? [url] : [url, decoded];
}

/**
 * X-HubSpot-Signature-v3 = base64(HMAC-SHA256(client secret, method + URI + body + timestamp)),
 * with X-HubSpot-Request-Timestamp in epoch ms; `request.url` must be the full URL HubSpot called.
 * Compared in constant time (the SDK's Signature.isValid uses ===).
 */
export function verifyHubspotWebhook(request: WebhookRequest, secret: string, now: Date): Verification {
  const signature = request.headers.get("x-hubspot-signature-v3");
  const timestamp = request.headers.get("x-hubspot-request-timestamp");
  if (!signature) return { ok: false, reason: "missing X-HubSpot-Signature-v3 header" };
  if (!timestamp || !/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: "missing or malformed X-HubSpot-Request-Timestamp header" };
  const age = now.getTime() - Number(timestamp);
  if (age > MAX_AGE_MS) return { ok: false, reason: `timestamp is ${Math.round(age / 1000)} s old (more than 5 minutes)` };
  if (-age > MAX_AHEAD_MS) return { ok: false, reason: "timestamp is more than 5 minutes in the future" };
  if (!secret) return { ok: false, reason: "no client secret to check the signature with" };
  const given = Buffer.from(signature, "base64");
  for (const uri of uriForms(request.url)) {
    const expected = createHmac("sha256", secret).update(`${request.method.toUpperCase()}${uri}${request.rawBody}${timestamp}`, "utf8").digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: "signature does not match" };
}

type Hint = WebhookEvent["hints"][number];

function hintFor(typeId: string | undefined, objectId: string | undefined, deleted: boolean): Hint[] {
  if (!objectId) return [];
  const entity: EntityKind | null = typeId === INVOICE_TYPE_ID ? "invoice" : typeId === CONTACT_TYPE_ID || typeId === COMPANY_TYPE_ID ? "customer" : null;
  if (!entity) return [];
  const externalId = entity === "invoice" ? objectId : customerExternalId({ type: typeId === CONTACT_TYPE_ID ? "contacts" : "companies", id: objectId });
  return [{ entity, externalId, deleted }];
}

/**
 * What an event says changed. `object.*` events name their type in objectTypeId (invoices only
 * come this way); `contact.*` and `company.*` are the older per-type subscriptions. Merges retire
 * the merged records; association changes touch the invoice on either side. Events about other
 * objects (deals, tickets...) parse but give no hints: nothing Concord keeps changed.
 */
export function hintsOf(event: HubspotWebhookEvent): Hint[] {
  const [prefix, action = ""] = event.subscriptionType.split(".");
  const typeId = prefix === "object" ? event.objectTypeId : prefix === "contact" ? CONTACT_TYPE_ID : prefix === "company" ? COMPANY_TYPE_ID : undefined;
  if (action === "associationChange") {
    return [...hintFor(event.fromObjectTypeId ?? typeId, event.fromObjectId ?? event.objectId, false), ...hintFor(event.toObjectTypeId, event.toObjectId, false)].filter((h) => h.entity === "invoice");
  }
  if (action === "merge") {
    const survivor = event.newObjectId ?? event.primaryObjectId ?? event.objectId;
    return [...hintFor(typeId, survivor, false), ...(event.mergedObjectIds ?? []).filter((id) => id !== survivor).flatMap((id) => hintFor(typeId, id, true))];
  }
  const deleted = action === "deletion" || action === "privacyDeletion";
  return hintFor(typeId, event.objectId, deleted);
}

/** The body: a JSON array of events. Throws WebhookPayloadError when it is not HubSpot's shape. */
export function parseHubspotWebhook(rawBody: string): WebhookEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new WebhookPayloadError("HubSpot webhook body is not JSON");
  }
  const parsed = webhookBodySchema.safeParse(json);
  if (!parsed.success) throw new WebhookPayloadError(`HubSpot webhook body is not an array of events: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data.map((event) => ({
    accountId: event.portalId,
    // HubSpot keeps the eventId across retries of a delivery, so it dedupes them.
    eventId: event.eventId,
    eventType: event.subscriptionType,
    occurredAt: new Date(event.occurredAt),
    hints: hintsOf(event),
  }));
}
