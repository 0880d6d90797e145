/**
 * The token vault: a connection's tokens are stored encrypted (never logged, never sent to the
 * browser) and handed out fresh. A token is refreshed shortly before it expires, or when the
 * provider answered 401, by one caller at a time per connection: in-process callers share the
 * same refresh, and across processes a transaction-scoped advisory lock makes the second one
 * find the tokens already renewed, so a rotating refresh token is never used twice. A refused
 * refresh marks the connection NEEDS_REAUTH.
 */
import { db } from "../db";
import { connectorFor } from "../connectors";
import { ReauthRequiredError } from "../connectors/errors";
import type { ProviderId, TokenSet } from "../connectors/types";
import { log } from "../log";
import { open, seal } from "./crypto";

export const TOKEN_PURPOSE = "connection-tokens";
/** Refresh this long before expiry, so a token never expires between fetch and use. */
export const REFRESH_MARGIN_MS = 120_000;

export function sealTokens(tokens: TokenSet): { tokensCiphertext: string; tokenKeyId: string; tokenExpiresAt: Date | null } {
  const { ciphertext, keyId } = seal(JSON.stringify(tokens), TOKEN_PURPOSE);
  return { tokensCiphertext: ciphertext, tokenKeyId: keyId, tokenExpiresAt: tokens.expiresAt ? new Date(tokens.expiresAt) : null };
}

export function openTokens(ciphertext: string, keyId: string): TokenSet {
  return JSON.parse(open(ciphertext, keyId, TOKEN_PURPOSE)) as TokenSet;
}

export class ConnectionUnavailableError extends Error {
  constructor(readonly connectionId: string, readonly status: string) {
    super(`Connection ${connectionId} is ${status}: its work waits until someone reconnects it`);
  }
}

async function load(connectionId: string) {
  const c = await db().connection.findUniqueOrThrow({
    where: { id: connectionId },
    select: { id: true, provider: true, status: true, tokensCiphertext: true, tokenKeyId: true },
  });
  if (c.status !== "ACTIVE" || !c.tokensCiphertext || !c.tokenKeyId) throw new ConnectionUnavailableError(c.id, c.status);
  return { provider: c.provider.toLowerCase() as ProviderId, tokens: openTokens(c.tokensCiphertext, c.tokenKeyId) };
}

const due = (t: TokenSet, now = Date.now()) => t.expiresAt !== null && t.expiresAt - now < REFRESH_MARGIN_MS;

const inFlight = new Map<string, Promise<TokenSet>>();

/** A usable access token; `force` after the provider rejected `rejected` with a 401. */
export async function accessToken(connectionId: string, force = false): Promise<string> {
  const { tokens } = await load(connectionId);
  if (!force && !due(tokens)) return tokens.accessToken;
  return (await refreshOnce(connectionId, force ? tokens.accessToken : null)).accessToken;
}

function refreshOnce(connectionId: string, rejected: string | null): Promise<TokenSet> {
  let pending = inFlight.get(connectionId);
  if (!pending) {
    pending = refresh(connectionId, rejected).finally(() => inFlight.delete(connectionId));
    inFlight.set(connectionId, pending);
  }
  return pending;
}

async function refresh(connectionId: string, rejected: string | null): Promise<TokenSet> {
  try {
    return await db().$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`refresh:${connectionId}`}))`;
        const row = await tx.connection.findUniqueOrThrow({ where: { id: connectionId }, select: { provider: true, status: true, tokensCiphertext: true, tokenKeyId: true } });
        if (row.status !== "ACTIVE" || !row.tokensCiphertext || !row.tokenKeyId) throw new ConnectionUnavailableError(connectionId, row.status);
        const current = openTokens(row.tokensCiphertext, row.tokenKeyId);
        // Someone else renewed them while we waited for the lock.
        if (current.accessToken !== rejected && !due(current)) return current;
        const renewed = await connectorFor(row.provider.toLowerCase() as ProviderId).oauth.refresh(current);
        await tx.connection.update({ where: { id: connectionId }, data: { ...sealTokens(renewed), lastError: null } });
        log().info({ connectionId }, "tokens refreshed");
        return renewed;
      },
      { timeout: 60_000, maxWait: 60_000 },
    );
  } catch (error) {
    if (error instanceof ReauthRequiredError) {
      await db().connection.update({
        where: { id: connectionId },
        data: { status: "NEEDS_REAUTH", lastError: "The provider no longer accepts Concord's access. Reconnect to resume syncing." },
      });
      log().warn({ connectionId }, "refresh refused: connection needs reauthorization");
    }
    throw error;
  }
}
