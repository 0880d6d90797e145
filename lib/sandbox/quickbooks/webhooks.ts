/**
 * Change notifications as Intuit sends them, signed with `intuit-signature` = base64
 * HMAC-SHA256(verifier token, raw body); the subscription's secret is the verifier token.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks
 *
 * Two bodies exist. CloudEvents (mandatory for every app in 2026, the default here): a bare JSON
 * array of events whose `type` names entity and operation (qbo.invoice.updated.v1), with the
 * realm in `intuitaccountid`, content type application/cloudevents+json. The legacy body
 * (`{eventNotifications:[{realmId, dataChangeEvent:{entities:[...]}}]}`) goes to subscriptions
 * whose `events` include "legacy". Event filters use the CloudEvents type names; a subscription
 * that lists only "legacy" gets every event (see `normalizeSubscription`). Intuit batches
 * several changes into one notification; the sandbox sends one per change, which Intuit's
 * format allows.
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import type { Subscription, WebhookDispatcher } from "../core/webhooks";
import type { Operation } from "./store";
import { legacyTime } from "./time";
import type { EntityName } from "./types";

export const LEGACY_FORMAT = "legacy";
const FORMATS = new Set([LEGACY_FORMAT, "cloudevents"]);

/** Like Intuit's `intuit.dsn...` source: a stable, opaque id of the sending app. */
const SOURCE = `intuit.${createHash("sha256").update("concord-sandbox-client").digest("base64")}`;
const PAST: Record<Operation, string> = { Create: "created", Update: "updated", Delete: "deleted", Void: "voided" };

export function cloudEventType(entity: EntityName, operation: Operation): string {
  return `qbo.${entity.toLowerCase()}.${PAST[operation]}.v1`;
}

export function sign(verifierToken: string, body: string): string {
  return createHmac("sha256", verifierToken).update(body, "utf8").digest("base64");
}

/** CloudEvents `time` with nanoseconds, as Intuit writes it ("2025-09-10T21:31:25.179851517Z"). */
function nanoTime(ms: number): string {
  const sub = String(process.hrtime.bigint() % 1_000_000n).padStart(6, "0");
  return `${new Date(ms).toISOString().slice(0, 23)}${sub}Z`;
}

export function emitChange(webhooks: WebhookDispatcher, realmId: string, entity: EntityName, id: string, operation: Operation, at: number): void {
  const type = cloudEventType(entity, operation);
  const cloudEvents = JSON.stringify([
    { specversion: "1.0", id: randomUUID(), source: SOURCE, type, datacontenttype: "application/json", time: nanoTime(at), intuitentityid: id, intuitaccountid: realmId, data: {} },
  ]);
  const legacy = JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities: [{ name: entity, id, operation, lastUpdated: legacyTime(at) }] } }] });
  const tid = randomUUID(); // the same notification keeps its id across retries
  webhooks.emit({
    eventType: type,
    accountId: realmId,
    build: (sub: Subscription) => {
      const isLegacy = sub.events.includes(LEGACY_FORMAT);
      const body = isLegacy ? legacy : cloudEvents;
      return {
        body,
        headers: {
          "content-type": isLegacy ? "application/json; charset=utf-8" : "application/cloudevents+json",
          "intuit-signature": sign(sub.secret, body),
          "intuit-t-id": tid,
          "intuit-created-time": legacyTime(Date.now()),
          "intuit-notification-schema-version": "0.1",
          "user-agent": "intuit_notification_server/0.1",
        },
      };
    },
  });
}

/** A subscription whose `events` name only a format gets every event in that format. */
export function normalizeSubscription(sub: Subscription): void {
  if (sub.events.length > 0 && sub.events.every((e) => FORMATS.has(e))) sub.events.push("*");
}

/**
 * Intuit retries failed deliveries from 10 seconds up to 4 hours apart, then every 6 hours;
 * the sandbox stops after about a day.
 */
export const RETRY_SCHEDULE_MS = [10, 30, 60, 300, 900, 1800, 3600, 7200, 14_400, 21_600, 21_600, 21_600].map((s) => s * 1000);
