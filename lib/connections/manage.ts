/** The connections of a workspace: listing (never with secrets) and disconnecting. */
import { db } from "../db";
import { recordAudit } from "../audit/record";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { connectorFor } from "../connectors";
import { providerSettings } from "../connectors/config";
import { PROVIDER_IDS, type ProviderId } from "../connectors/types";
import { ApiError } from "../http/errors";
import { log } from "../log";
import { openTokens } from "./tokens";

export type ConnectionView = {
  id: string;
  provider: ProviderId;
  externalAccountId: string;
  displayName: string;
  status: "ACTIVE" | "NEEDS_REAUTH" | "DISCONNECTED" | "ERROR";
  lastSyncedAt: Date | null;
  lastWebhookAt: Date | null;
  lastError: string | null;
  createdAt: Date;
};

export async function listConnections(ctx: WorkspaceContext): Promise<ConnectionView[]> {
  assertCan(ctx, "workspace:view");
  const rows = await db().connection.findMany({
    where: { workspaceId: ctx.workspace.id },
    select: { id: true, provider: true, externalAccountId: true, displayName: true, status: true, lastSyncedAt: true, lastWebhookAt: true, lastError: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ ...r, provider: r.provider.toLowerCase() as ProviderId }));
}

/** Providers this server has credentials for, in display order. */
export function availableProviders(): { id: ProviderId; label: string }[] {
  return PROVIDER_IDS.filter((id) => providerSettings(id)).map((id) => ({ id, label: connectorFor(id).label }));
}

/**
 * Disconnects: revokes Concord's access at the provider (best effort: a provider that cannot be
 * reached must not keep the connection alive here), forgets the tokens, keeps every record and
 * log, so history stays browsable and a reconnect picks up where it left off.
 */
export async function disconnect(ctx: WorkspaceContext, connectionId: string): Promise<{ revoked: boolean }> {
  assertCan(ctx, "connections:manage");
  const connection = await db().connection.findFirst({
    where: { id: connectionId, workspaceId: ctx.workspace.id },
    select: { id: true, provider: true, externalAccountId: true, status: true, tokensCiphertext: true, tokenKeyId: true },
  });
  if (!connection) throw new ApiError("not_found", "No such connection in this workspace.");
  if (connection.status === "DISCONNECTED") return { revoked: false };
  let revoked = false;
  if (connection.tokensCiphertext && connection.tokenKeyId) {
    try {
      await connectorFor(connection.provider.toLowerCase() as ProviderId).oauth.revoke(openTokens(connection.tokensCiphertext, connection.tokenKeyId), connection.externalAccountId);
      revoked = true;
    } catch (error) {
      log().warn({ connectionId, err: error instanceof Error ? error.message : String(error) }, "revoke at the provider failed");
    }
  }
  await db().$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: connection.id },
      data: { status: "DISCONNECTED", tokensCiphertext: null, tokenKeyId: null, tokenExpiresAt: null, disconnectedAt: new Date(), lastError: revoked ? null : "Concord could not revoke its access at the provider; remove the app there if it is still listed." },
    });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "connection.disconnected",
      subjectType: "connection",
      subjectId: connection.id,
      connectionId: connection.id,
      changes: { revokedAtProvider: revoked },
    });
  });
  return { revoked };
}
