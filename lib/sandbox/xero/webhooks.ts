/**
 * Xero webhooks: one POST per change, `x-xero-signature` = base64 HMAC-SHA256(webhook key, raw
 * body), events of the categories INVOICE, CONTACT and CREDITNOTE (a payment shows as an
 * UPDATE of the invoice or credit note it pays).
 * A new subscription stays off until it passes "intent to receive": a correctly signed request
 * must get 200 and an incorrectly signed one 401, each within 5 seconds and with an empty body.
 * Failed deliveries are retried with falling frequency for 24 hours, then the webhook is
 * disabled until re-enabled.
 * https://developer.xero.com/documentation/guides/webhooks/overview/
 * https://developer.xero.com/documentation/guides/webhooks/configuring-your-server/
 */
import { createHmac, randomBytes } from "node:crypto";
import { json, type Router } from "../core/http";
import type { Sandbox } from "../core/sandbox";
import type { Subscription } from "../core/webhooks";
import { eventDate } from "./dates";

export type EventCategory = "INVOICE" | "CONTACT" | "CREDITNOTE";
export type EventType = "CREATE" | "UPDATE";

/** What the sandbox adds to a core subscription: the event sequence and the verification result. */
type XeroSubscription = Subscription & {
  eventSequence?: number;
  intentToReceive?: { status: "passed" | "failed"; reason?: string; at: number };
};

/** Minutes, then hours, adding up to 24 hours; the webhook is disabled after the last one fails. */
export const RETRY_SCHEDULE_MS = [60_000, 300_000, 900_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 28_800_000, 29_340_000];

export function sign(key: string, body: string): string {
  return createHmac("sha256", key).update(body).digest("base64");
}

/** Xero's entropy: 20 random capital letters. */
function entropy(): string {
  return [...randomBytes(20)].map((b) => String.fromCharCode(65 + (b % 26))).join("");
}

const watched = new WeakSet<Subscription>();

/**
 * Disables a subscription once a delivery has used up the whole retry schedule. The core
 * dispatcher only counts `failures` when the schedule is exhausted, so the counter's setter is
 * where that moment is observed (the core has no hook for it).
 */
function disableWhenExhausted(sub: Subscription): void {
  if (watched.has(sub)) return;
  watched.add(sub);
  let failures = sub.failures;
  Object.defineProperty(sub, "failures", {
    enumerable: true,
    configurable: true,
    get: () => failures,
    set: (value: number) => {
      if (value > failures) sub.status = "disabled";
      failures = value;
    },
  });
}

/** Sends one event to every active subscription of the tenant, asynchronously. */
export function emitEvent<D>(sandbox: Sandbox<D>, tenantId: string, category: EventCategory, eventType: EventType, resourceId: string): void {
  for (const sub of sandbox.webhooks.subscriptions) disableWhenExhausted(sub);
  const collection = category === "INVOICE" ? "Invoices" : category === "CREDITNOTE" ? "CreditNotes" : "Contacts";
  const event = {
    resourceUrl: `https://api.xero.com/api.xro/2.0/${collection}/${resourceId}`,
    resourceId,
    eventDateUtc: eventDate(sandbox.clock.now()),
    eventType,
    eventCategory: category,
    tenantId,
    tenantType: "ORGANISATION",
  };
  // Built once per subscription: retries and duplicates resend the same signed body.
  const bodies = new WeakMap<Subscription, string>();
  sandbox.webhooks.emit({
    eventType: category,
    accountId: tenantId,
    build: (sub) => {
      let body = bodies.get(sub);
      if (!body) {
        const xsub = sub as XeroSubscription;
        const sequence = (xsub.eventSequence ?? 0) + 1;
        xsub.eventSequence = sequence;
        body = JSON.stringify({ events: [event], firstEventSequence: sequence, lastEventSequence: sequence, entropy: entropy() });
        bodies.set(sub, body);
      }
      return { body, headers: { "content-type": "application/json", "x-xero-signature": sign(sub.secret, body) } };
    },
  });
}

const INTENT_TIMEOUT_MS = 5_000;

async function probe(url: string, body: string, signature: string): Promise<{ status: number; body: string } | { error: string }> {
  try {
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-xero-signature": signature }, body, signal: AbortSignal.timeout(INTENT_TIMEOUT_MS) });
    return { status: res.status, body: await res.text() };
  } catch (error) {
    return { error: error instanceof Error && error.name === "TimeoutError" ? "no answer within 5 seconds" : "the endpoint could not be reached" };
  }
}

/** Runs intent to receive; the subscription is active only if it passes. */
export async function intentToReceive(sub: Subscription, now: () => number): Promise<void> {
  const xsub = sub as XeroSubscription;
  disableWhenExhausted(sub);
  sub.status = "disabled";
  const wrongKey = randomBytes(32).toString("base64");
  const checks = [true, false, true, false];
  for (const correct of checks) {
    const body = JSON.stringify({ events: [], firstEventSequence: 0, lastEventSequence: 0, entropy: entropy() });
    const answer = await probe(sub.url, body, sign(correct ? sub.secret : wrongKey, body));
    const expected = correct ? 200 : 401;
    const reason =
      "error" in answer
        ? answer.error
        : answer.status !== expected
          ? `expected ${expected} for ${correct ? "a correctly" : "an incorrectly"} signed payload, got ${answer.status}`
          : answer.body.length > 0
            ? "the response must have an empty body"
            : null;
    if (reason) {
      xsub.intentToReceive = { status: "failed", reason, at: now() };
      return;
    }
  }
  xsub.intentToReceive = { status: "passed", at: now() };
  sub.failures = 0;
  sub.status = "active";
}

/** The developer portal's "Send intent to receive" button: re-verifies (and re-enables) a subscription. */
export function intentToReceiveRoute<D>(publicRoutes: Router, sandbox: Sandbox<D>): void {
  publicRoutes.add("POST", "/_sandbox/webhooks/:id/intent-to-receive", async (req) => {
    const sub = sandbox.webhooks.subscriptions.find((s) => s.id === req.params.id);
    if (!sub) return json(404, { error: { message: `No webhook subscription ${req.params.id}.` } });
    await intentToReceive(sub, () => sandbox.clock.now());
    return json(200, sub);
  });
}
