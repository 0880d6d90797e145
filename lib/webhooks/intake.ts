/**
 * Webhook intake: verify the signature on the raw body, parse, route each event to the
 * connections of the account it names, and store each delivery once (provider event id, unique
 * per account and connection) before answering. Stored RECEIVED deliveries are the hand-off: the
 * sync engine processes them (and its sweep re-drives any left behind). Accounts no workspace has
 * connected are acknowledged and stored as IGNORED, so providers stop retrying them.
 */
import { enqueue } from "../jobs";
import { db, type DbOrTx } from "../db";
import { connectorFor } from "../connectors";
import { providerSettings } from "../connectors/config";
import { WebhookPayloadError } from "../connectors/errors";
import type { ProviderId, WebhookEvent, WebhookRequest } from "../connectors/types";
import { ApiError } from "../http/errors";
import { toPrismaProvider } from "../connections/connect";
import { log } from "../log";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;
const UNKNOWN = "unknown";
const NO_CONNECTION = "No workspace has connected this account.";
const DISCONNECTED = "The connection is disconnected.";

/** `deliveries`: those stored for processing (new, for an active connection). */
export type IntakeSummary = { events: number; stored: number; duplicates: number; ignored: number; deliveries: { deliveryId: string; connectionId: string }[] };

export async function receiveWebhook(provider: ProviderId, request: WebhookRequest, now = new Date(), client: DbOrTx = db()): Promise<IntakeSummary> {
  const secret = providerSettings(provider)?.webhookSecret;
  if (!secret) throw new ApiError("not_found", `Webhooks for ${provider} are not configured on this server.`);
  const connector = connectorFor(provider);
  const verification = connector.webhooks.verify(request, secret, now);
  if (!verification.ok) throw new ApiError("unauthorized", `Signature check failed: ${verification.reason}`);
  let events: WebhookEvent[];
  try {
    events = connector.webhooks.parse(request.rawBody);
  } catch (error) {
    if (error instanceof WebhookPayloadError) throw new ApiError("bad_request", `Not a ${connector.label} webhook body: ${error.message}`);
    throw error;
  }
  if (events.length === 0) return { events: 0, stored: 0, duplicates: 0, ignored: 0, deliveries: [] }; // e.g. Xero's intent to receive

  // One round trip: route each event to the connections of its account (or "unknown"), insert
  // what is new, and note when each connection last heard from its provider.
  const [result] = await client.$queryRaw<{ rows: bigint; stored: bigint; ignored: bigint; ids: string[] | null; connections: string[] | null }[]>`
    WITH incoming AS (
      SELECT * FROM unnest(${events.map((e) => e.accountId)}::text[], ${events.map((e) => e.eventId)}::text[],
                           ${events.map((e) => e.eventType)}::text[], ${events.map((e) => JSON.stringify(e.hints))}::jsonb[])
               AS e("accountId", "eventId", "eventType", hints)
    ), routes AS (
      SELECT i.*, c.id AS "connectionId", c."workspaceId", c.status
      FROM incoming i
      LEFT JOIN "Connection" c ON c.provider = ${toPrismaProvider(provider)}::"Provider" AND c."externalAccountId" = i."accountId"
    ), inserted AS (
      INSERT INTO "WebhookDelivery" (id, provider, "accountId", "eventId", "routedTo", "eventType", hints, "rawBody", status, "lastError", "connectionId", "workspaceId", "receivedAt")
      SELECT gen_random_uuid()::text, ${toPrismaProvider(provider)}::"Provider", r."accountId", r."eventId", COALESCE(r."connectionId", ${UNKNOWN}), r."eventType", r.hints, ${request.rawBody},
             CASE WHEN r."connectionId" IS NULL OR r.status = 'DISCONNECTED' THEN 'IGNORED'::"DeliveryStatus" ELSE 'RECEIVED'::"DeliveryStatus" END,
             CASE WHEN r."connectionId" IS NULL THEN ${NO_CONNECTION} WHEN r.status = 'DISCONNECTED' THEN ${DISCONNECTED} END,
             r."connectionId", r."workspaceId", ${now}
      FROM routes r
      ON CONFLICT (provider, "accountId", "eventId", "routedTo") DO NOTHING
      RETURNING id, status, "connectionId"
    ), touched AS (
      UPDATE "Connection" SET "lastWebhookAt" = ${now} WHERE id IN (SELECT "connectionId" FROM routes WHERE "connectionId" IS NOT NULL) RETURNING 1
    )
    SELECT (SELECT count(*) FROM routes) AS rows, (SELECT count(*) FROM inserted) AS stored,
           (SELECT count(*) FROM routes WHERE "connectionId" IS NULL OR status = 'DISCONNECTED') AS ignored,
           (SELECT count(*) FROM touched) AS touched,
           (SELECT array_agg(id ORDER BY id) FROM inserted WHERE status = 'RECEIVED') AS ids,
           (SELECT array_agg("connectionId" ORDER BY id) FROM inserted WHERE status = 'RECEIVED') AS connections`;
  const rows = Number(result!.rows);
  const count = Number(result!.stored);
  const ignored = Number(result!.ignored);
  if (ignored) log().info({ provider, ignored }, "webhook events for accounts without an active connection");
  const deliveries = (result!.ids ?? []).map((deliveryId, i) => ({ deliveryId, connectionId: result!.connections![i]! }));
  return { events: events.length, stored: count, duplicates: rows - count, ignored, deliveries };
}

/**
 * Hands the stored deliveries to the sync engine, after the provider has its answer. Nothing is
 * lost if this fails: the sweep picks up deliveries left unprocessed.
 */
export function announceDeliveries(summary: IntakeSummary): void {
  if (summary.deliveries.length === 0) return;
  void enqueue(summary.deliveries.map((d) => ({ name: "concord/webhook.received" as const, data: d }))).catch((error: unknown) =>
    log().warn({ deliveries: summary.deliveries.length, err: error instanceof Error ? error.message : String(error) }, "could not announce webhook deliveries; the sweep will pick them up"),
  );
}
