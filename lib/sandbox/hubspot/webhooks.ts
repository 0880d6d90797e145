/**
 * HubSpot webhooks: a JSON array of events per request, signed with the app's client secret.
 * Invoices have no invoice.* subscription types, only the generic object.* ones with
 * `objectTypeId: "0-53"`; contacts and companies keep their contact.* / company.* types.
 * https://developers.hubspot.com/docs/api/webhooks
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
import { createHash, createHmac } from "node:crypto";
import type { ApiContext } from "../core/sandbox";
import type { Subscription } from "../core/webhooks";
import type { ObjectMeta } from "./properties";
import type { HubspotData } from "./state";

/** The sandbox's one public app (client `concord-sandbox-client`). */
export const APP_ID = 2_718_281;

/** "HubSpot retries up to 10 times over the next 24 hours", with growing delays. */
export const RETRY_SCHEDULE_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000, 7_200_000, 14_400_000, 21_600_000, 36_000_000];

export type ChangeKind = "creation" | "propertyChange" | "deletion";

/** v3: base64 HMAC-SHA256(client secret, method + full URI + body + timestamp). */
export function signatureV3(secret: string, method: string, uri: string, body: string, timestamp: number): string {
  return createHmac("sha256", secret).update(`${method}${uri}${body}${timestamp}`).digest("base64");
}

/** v1, still sent beside v3: hex SHA-256(client secret + body). */
export function signatureV1(secret: string, body: string): string {
  return createHash("sha256").update(`${secret}${body}`).digest("hex");
}

/** A stable numeric subscription id for a core subscription ("we_<uuid>"). */
function subscriptionNumber(sub: Subscription): number {
  let h = 2166136261;
  for (let i = 0; i < sub.id.length; i++) h = Math.imul(h ^ sub.id.charCodeAt(i), 16777619);
  return 1_000_000 + ((h >>> 0) % 9_000_000);
}

/** Sends one signed request for a change: one event, or one per changed property. */
export function emitChange(ctx: ApiContext<HubspotData>, meta: ObjectMeta, kind: ChangeKind, objectId: string, changes: [string, string | null][] = []): void {
  const subscriptionType = `${meta.webhookPrefix}.${kind}`;
  const occurredAt = ctx.sandbox.clock.now();
  const items = kind === "propertyChange" ? changes : [null];
  if (items.length === 0) return;
  const events = items.map((change) => ({
    eventId: ctx.data.nextEventId++,
    portalId: Number(ctx.account.id),
    appId: APP_ID,
    occurredAt,
    subscriptionType,
    objectId: Number(objectId),
    ...(meta.webhookPrefix === "object" ? { objectTypeId: meta.typeId } : {}),
    ...(change ? { propertyName: change[0], propertyValue: change[1] ?? "" } : {}),
    ...(kind === "creation" ? { changeFlag: "NEW" } : kind === "deletion" ? { changeFlag: "DELETED" } : {}),
    changeSource: "API",
    sourceId: String(APP_ID),
  }));
  ctx.sandbox.webhooks.emit({
    eventType: subscriptionType,
    accountId: ctx.account.id,
    build: (sub, attempt) => {
      const body = JSON.stringify(events.map((e) => ({ ...e, subscriptionId: subscriptionNumber(sub), attemptNumber: attempt })));
      const timestamp = Date.now();
      return {
        body,
        headers: {
          "content-type": "application/json",
          "user-agent": "HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon-executor",
          "x-hubspot-request-timestamp": String(timestamp),
          "x-hubspot-signature-v3": signatureV3(sub.secret, "POST", sub.url, body, timestamp),
          "x-hubspot-signature": signatureV1(sub.secret, body),
          "x-hubspot-signature-version": "v1",
        },
      };
    },
  });
}
