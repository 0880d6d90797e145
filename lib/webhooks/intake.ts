/**
 * Webhook intake: verify the signature on the raw body, parse, route each event to the
 * connections of the account it names, and store each delivery once (provider event id, unique
 * per account and connection) before answering. Stored RECEIVED deliveries are the hand-off: the
 * sync engine processes them (and its sweep re-drives any left behind). Accounts no workspace has
 * connected are acknowledged and stored as IGNORED, so providers stop retrying them.
 */
import { db, type DbOrTx } from "../db";
import type { Prisma } from "../db/generated/client";
import { connectorFor } from "../connectors";
import { providerSettings } from "../connectors/config";
import { WebhookPayloadError } from "../connectors/errors";
import type { ProviderId, WebhookEvent, WebhookRequest } from "../connectors/types";
import { ApiError } from "../http/errors";
import { toPrismaProvider } from "../connections/connect";
import { log } from "../log";

export const MAX_WEBHOOK_BYTES = 1024 * 1024;
const UNKNOWN = "unknown";

export type IntakeSummary = { events: number; stored: number; duplicates: number; ignored: number };

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
  if (events.length === 0) return { events: 0, stored: 0, duplicates: 0, ignored: 0 }; // e.g. Xero's intent to receive

  const accountIds = [...new Set(events.map((e) => e.accountId))];
  const connections = await client.connection.findMany({
    where: { provider: toPrismaProvider(provider), externalAccountId: { in: accountIds } },
    select: { id: true, workspaceId: true, externalAccountId: true, status: true },
  });
  type Row = Prisma.WebhookDeliveryCreateManyInput;
  const rows = events.flatMap((event): Row[] => {
    const base = {
      provider: toPrismaProvider(provider),
      accountId: event.accountId,
      eventId: event.eventId,
      eventType: event.eventType,
      hints: event.hints,
      rawBody: request.rawBody,
    };
    const targets = connections.filter((c) => c.externalAccountId === event.accountId);
    if (targets.length === 0) return [{ ...base, routedTo: UNKNOWN, status: "IGNORED", lastError: "No workspace has connected this account." }];
    return targets.map((c) => ({
      ...base,
      routedTo: c.id,
      connectionId: c.id,
      workspaceId: c.workspaceId,
      status: c.status === "DISCONNECTED" ? "IGNORED" : "RECEIVED",
      lastError: c.status === "DISCONNECTED" ? "The connection is disconnected." : null,
    }));
  });
  const { count } = await client.webhookDelivery.createMany({ data: rows, skipDuplicates: true });
  const routed = [...new Set(rows.flatMap((r) => (r.connectionId ? [r.connectionId] : [])))];
  if (routed.length) await client.connection.updateMany({ where: { id: { in: routed } }, data: { lastWebhookAt: now } });
  const ignored = rows.filter((r) => r.status === "IGNORED").length;
  if (ignored) log().info({ provider, ignored }, "webhook events for accounts without an active connection");
  return { events: events.length, stored: count, duplicates: rows.length - count, ignored };
}
