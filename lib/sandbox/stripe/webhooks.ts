/**
 * Events and their webhook deliveries. Every change records an Event (kept 30 days for the
 * Events API) and sends it to the account's endpoints, signed per attempt with
 * `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
 * https://docs.stripe.com/webhooks#verify-events
 * https://docs.stripe.com/api/events
 */
import { createHmac } from "node:crypto";
import type { Sandbox } from "../core/sandbox";
import type { Envelope, Subscription } from "../core/webhooks";
import { randomId } from "./context";
import { insert, pruneOldest } from "./table";
import { API_VERSION, type StripeData } from "./types";

const RETENTION_SECONDS = 30 * 86_400;
/** Memory bound for busy benchmark accounts; Stripe itself keeps every event for 30 days. */
const MAX_EVENTS = 200_000;

/**
 * Live mode retries for up to three days with exponential backoff (sandboxes retry three times
 * over a few hours; we follow live mode, which is what production code has to survive).
 * https://docs.stripe.com/webhooks#retries
 */
export const RETRY_SCHEDULE_MS = [1, 5, 30, 120, 300, 600, 600, 1440, 1080].map((minutes) => minutes * 60_000);

export function signatureHeader(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  const v1 = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
  return `t=${timestamp},v1=${v1}`;
}

function wants(sub: Subscription, accountId: string, type: string): boolean {
  return sub.status === "active" && (!sub.accountId || sub.accountId === accountId) && (sub.events.length === 0 || sub.events.includes("*") || sub.events.includes(type));
}

export type EventRequest = { id: string | null; idempotency_key: string | null };

export function recordEvent(
  sandbox: Sandbox<StripeData>,
  data: StripeData,
  accountId: string,
  request: EventRequest,
  type: string,
  object: object,
  previous?: Record<string, unknown>,
): void {
  const created = Math.floor(Date.now() / 1000);
  const id = randomId("evt");
  const pending = sandbox.webhooks.subscriptions.filter((s) => wants(s, accountId, type)).length;
  const event = {
    id,
    object: "event",
    api_version: API_VERSION,
    created,
    data: { object, ...(previous ? { previous_attributes: previous } : {}) },
    livemode: false,
    pending_webhooks: pending,
    request,
    type,
  };
  const json = JSON.stringify(event);
  insert(data.events, { id, type, created, json });
  pruneOldest(data.events, (e) => e.created < created - RETENTION_SECONDS, MAX_EVENTS);
  if (pending === 0) return;
  sandbox.webhooks.emit({
    eventType: type,
    accountId,
    build: (sub) => envelope(sub, accountId, json),
  });
}

/** One attempt: signed now, so a retry carries a fresh timestamp. */
function envelope(sub: Subscription, accountId: string, json: string): Envelope {
  // An endpoint that is not the account's own (a platform's Connect endpoint) sees `account`.
  const body = sub.accountId === accountId ? json : `{"account":${JSON.stringify(accountId)},${json.slice(1)}`;
  return {
    body,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
      "cache-control": "no-cache",
      "stripe-signature": signatureHeader(sub.secret, body),
    },
  };
}
