/**
 * Stripe webhooks: the signature check on the raw body and the Event turned into hints. A Connect
 * platform's endpoint receives its connected accounts' events with `account` set; that is the
 * account a delivery belongs to.
 * https://docs.stripe.com/webhooks#verify-manually
 * https://docs.stripe.com/connect/webhooks
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { WebhookPayloadError } from "../errors";
import type { EntityKind, Verification, WebhookEvent, WebhookRequest } from "../types";

/** Stripe's default: a signature older (or, here, further in the future) than five minutes is refused. */
export const TOLERANCE_SECONDS = 300;

/** `t=<unix>,v1=<hex>[,v1=<hex>...][,v0=...]`: several v1 signatures while a secret is being rolled. */
function parseHeader(header: string): { timestamp: number; signatures: string[] } | null {
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(",")) {
    const at = part.indexOf("=");
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === "t" && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === "v1" && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  return timestamp === null || signatures.length === 0 ? null : { timestamp, signatures };
}

/**
 * HMAC-SHA256(secret, "<t>.<raw body>") in hex must equal one of the v1 signatures (compared in
 * constant time), and `t` must be within 300 s of `now`. Stripe's own library only refuses old
 * timestamps; a timestamp far in the future is refused here too, since no honest clock makes one.
 */
export function verify(request: WebhookRequest, secret: string, now: Date): Verification {
  if (!secret) return { ok: false, reason: "no webhook signing secret is configured" };
  const header = request.headers.get("stripe-signature");
  if (!header) return { ok: false, reason: "missing Stripe-Signature header" };
  const parsed = parseHeader(header);
  if (!parsed) return { ok: false, reason: "malformed Stripe-Signature header" };
  const expected = createHmac("sha256", secret).update(`${parsed.timestamp}.${request.rawBody}`, "utf8").digest();
  const matches = parsed.signatures.some((hex) => timingSafeEqual(Buffer.from(hex, "hex"), expected));
  if (!matches) return { ok: false, reason: "no signature matches the payload" };
  const age = Math.floor(now.getTime() / 1000) - parsed.timestamp;
  if (Math.abs(age) > TOLERANCE_SECONDS) return { ok: false, reason: `signature timestamp is ${age} s off, outside the ${TOLERANCE_SECONDS} s tolerance` };
  return { ok: true };
}

const ref = z.union([z.string(), z.looseObject({ id: z.string() }).transform((o) => o.id)]);

/**
 * Only what hints need; the records themselves are fetched fresh (a webhook is a hint). Objects
 * of other kinds (a balance has no id) pass untouched: an endpoint may be sent event types
 * Concord has no use for, and refusing them would only make Stripe retry them for three days.
 */
const eventSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal("event"),
  type: z.string().min(1),
  created: z.number().int().nonnegative(),
  account: z.string().nullish(),
  data: z.looseObject({ object: z.looseObject({ object: z.string() }) }),
});

const withId = z.looseObject({ id: z.string().min(1) });
const objectSchemas = {
  invoice: withId,
  customer: withId,
  refund: withId,
  invoice_payment: withId.extend({ invoice: ref.nullish() }),
  charge: withId.extend({ refunds: z.looseObject({ data: z.array(withId) }).nullish() }),
  credit_note: withId.extend({ invoice: ref.nullish() }),
};

type Hint = WebhookEvent["hints"][number];
const hint = (entity: EntityKind, externalId: string, deleted = false): Hint => ({ entity, externalId, deleted });

function shape<K extends keyof typeof objectSchemas>(kind: K, event: z.output<typeof eventSchema>): z.output<(typeof objectSchemas)[K]> {
  const result = objectSchemas[kind].safeParse(event.data.object);
  if (!result.success) throw new WebhookPayloadError(`Stripe ${event.type} event ${event.id} carries a malformed ${kind}: ${z.prettifyError(result.error)}`);
  return result.data as z.output<(typeof objectSchemas)[K]>;
}

function hintsOf(event: z.output<typeof eventSchema>): Hint[] {
  switch (event.data.object.object) {
    case "invoice":
      return [hint("invoice", shape("invoice", event).id, event.type === "invoice.deleted")];
    case "invoice_payment": {
      const payment = shape("invoice_payment", event);
      return [hint("payment", payment.id), ...(payment.invoice ? [hint("invoice", payment.invoice)] : [])];
    }
    case "customer":
      return [hint("customer", shape("customer", event).id, event.type === "customer.deleted")];
    case "refund":
      return [hint("payment", shape("refund", event).id)];
    case "credit_note": {
      // Money returned outside Stripe is a refund of the invoice; the invoice's credited amounts change too.
      const note = shape("credit_note", event);
      return [hint("payment", note.id), ...(note.invoice ? [hint("invoice", note.invoice)] : [])];
    }
    case "charge":
      // In this API version a charge carries its refunds only when expanded: the refund.* event of
      // each refund is the hint then (one event per fact).
      return event.type === "charge.refunded" ? (shape("charge", event).refunds?.data ?? []).map((r) => hint("payment", r.id)) : [];
    default:
      return [];
  }
}

/**
 * One Stripe Event. Its `account` routes it; an event of the platform's own account (no
 * `account`) has the empty account id, which no connection has, so the intake records it as
 * ignored.
 */
export function parse(rawBody: string): WebhookEvent[] {
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new WebhookPayloadError("Stripe webhook body is not JSON");
  }
  const result = eventSchema.safeParse(json);
  if (!result.success) throw new WebhookPayloadError(`Stripe webhook body is not an Event: ${z.prettifyError(result.error)}`);
  const event = result.data;
  return [{ accountId: event.account ?? "", eventId: event.id, eventType: event.type, occurredAt: new Date(event.created * 1000), hints: hintsOf(event) }];
}
