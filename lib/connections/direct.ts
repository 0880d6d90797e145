/**
 * Connecting with tokens already in hand, without a browser: the demo connects its sandbox
 * accounts this way (the sandboxes hand out ready tokens). The Connection is stored as the OAuth
 * flow stores it (tokens sealed in the vault, ACTIVE) and the audit trail records who did it.
 * An account already connected to the workspace is reconnected with the new tokens.
 */
import { db } from "../db";
import { recordAudit, type Actor } from "../audit/record";
import type { AccountIdentity, ProviderId, TokenSet } from "../connectors/types";
import { toPrismaProvider } from "./connect";
import { sealTokens } from "./tokens";

export type DirectConnect = {
  workspaceId: string;
  actor: Actor;
  /** The person the connection is credited to, if any. */
  connectedById: string | null;
  provider: ProviderId;
  account: AccountIdentity;
  tokens: TokenSet;
};

export async function connectWithTokens(input: DirectConnect): Promise<{ connectionId: string; created: boolean }> {
  const { workspaceId, provider, account, tokens } = input;
  return db().$transaction(async (tx) => {
    const where = { workspaceId_provider_externalAccountId: { workspaceId, provider: toPrismaProvider(provider), externalAccountId: account.externalAccountId } };
    const existing = await tx.connection.findUnique({ where, select: { id: true } });
    const data = { ...sealTokens(tokens), status: "ACTIVE" as const, displayName: account.displayName, lastError: null, disconnectedAt: null, scopes: tokens.scope ? tokens.scope.split(/[\s,]+/) : [] };
    const connection = existing
      ? await tx.connection.update({ where: { id: existing.id }, data, select: { id: true } })
      : await tx.connection.create({
          data: { ...data, workspaceId, provider: toPrismaProvider(provider), externalAccountId: account.externalAccountId, connectedById: input.connectedById },
          select: { id: true },
        });
    await recordAudit(tx, {
      workspaceId,
      actor: input.actor,
      action: existing ? "connection.reconnected" : "connection.connected",
      subjectType: "connection",
      subjectId: connection.id,
      connectionId: connection.id,
      changes: { provider, account: account.externalAccountId, name: account.displayName },
    });
    return { connectionId: connection.id, created: !existing };
  });
}
