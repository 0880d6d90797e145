/**
 * Connecting a provider: the authorization-code flow with `state` bound to the person and the
 * workspace (single use, 10 minutes), PKCE where the provider supports it, then the account
 * identity and the Connection. Denied consent, expired or replayed state, someone else's state,
 * and an account already connected all end in a clear outcome that changes nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import { db, type Provider } from "../db";
import { recordAudit } from "../audit/record";
import { assertCan, requireWorkspace, type WorkspaceContext } from "../authz/context";
import { connectorFor } from "../connectors";
import { providerSettings } from "../connectors/config";
import type { AccountIdentity, ProviderId, TokenSet } from "../connectors/types";
import { ApiError } from "../http/errors";
import { log } from "../log";
import { appUrl } from "../urls";
import { open, seal } from "./crypto";
import { enqueue } from "../jobs";
import { resumeParkedInvoices } from "../sync/resume";
import { openTokens, sealTokens } from "./tokens";

const FLOW_MINUTES = 10;
const VERIFIER_PURPOSE = "oauth-verifier";

export const toPrismaProvider = (p: ProviderId) => p.toUpperCase() as Provider;
const hash = (value: string) => createHash("sha256").update(value).digest("hex");

export function callbackUrl(provider: ProviderId): string {
  return appUrl(`/api/oauth/${provider}/callback`);
}

/** Starts a flow and answers the provider URL to send the browser to. */
export async function startConnect(ctx: WorkspaceContext, provider: ProviderId, reconnectId: string | null): Promise<string> {
  assertCan(ctx, "connections:manage");
  if (!providerSettings(provider)) throw new ApiError("unprocessable", `${connectorFor(provider).label} is not set up on this Concord server.`);
  if (ctx.actor.type !== "USER") throw new ApiError("forbidden", "Connecting a tool needs a person at a browser.");
  if (reconnectId) {
    const existing = await db().connection.findFirst({ where: { id: reconnectId, workspaceId: ctx.workspace.id, provider: toPrismaProvider(provider) } });
    if (!existing) throw new ApiError("not_found", "No such connection in this workspace.");
  }
  const connector = connectorFor(provider);
  const state = randomBytes(32).toString("base64url");
  const verifier = connector.oauth.usesPkce ? randomBytes(32).toString("base64url") : null;
  const redirectUri = callbackUrl(provider);
  const sealedVerifier = verifier ? seal(verifier, VERIFIER_PURPOSE) : null;
  await db().oAuthFlow.create({
    data: {
      stateHash: hash(state),
      workspaceId: ctx.workspace.id,
      userId: ctx.actor.id,
      provider: toPrismaProvider(provider),
      verifierCipher: sealedVerifier?.ciphertext ?? null,
      keyId: sealedVerifier?.keyId ?? null,
      redirectUri,
      connectionId: reconnectId,
      expiresAt: new Date(Date.now() + FLOW_MINUTES * 60_000),
    },
  });
  const challenge = verifier ? createHash("sha256").update(verifier).digest("base64url") : null;
  return connector.oauth.authorizeUrl({ state, redirectUri, codeChallenge: challenge });
}

export type Notice = "connected" | "reconnected" | "denied" | "expired" | "replayed" | "invalid" | "wrong_user" | "already_connected" | "wrong_account" | "failed";

export type ConnectOutcome =
  | { kind: "done"; slug: string; notice: Notice; provider: ProviderId; connectionId: string }
  | { kind: "choose"; slug: string; flowId: string }
  | { kind: "error"; slug: string | null; notice: Notice; provider: ProviderId };

/** The provider sent the browser back: validate, exchange, store (or ask which account). */
export async function completeConnect(user: { id: string; email: string }, provider: ProviderId, params: URLSearchParams): Promise<ConnectOutcome> {
  const state = params.get("state") ?? "";
  const flow = await db().oAuthFlow.findUnique({ where: { stateHash: hash(state) }, include: { workspace: { select: { slug: true } } } });
  if (!state || !flow || flow.provider !== toPrismaProvider(provider)) return { kind: "error", slug: null, notice: "invalid", provider };
  const slug = flow.workspace.slug;
  const fail = (notice: Notice): ConnectOutcome => ({ kind: "error", slug, notice, provider });
  if (flow.userId !== user.id) return fail("wrong_user");
  // Consumed before anything else happens: a replayed callback finds it used.
  const { count } = await db().oAuthFlow.updateMany({ where: { id: flow.id, usedAt: null }, data: { usedAt: new Date() } });
  if (count === 0) return fail("replayed");
  if (flow.expiresAt <= new Date()) return fail("expired");
  if (params.get("error")) return fail("denied");
  const code = params.get("code");
  if (!code) return fail("invalid");
  const ctx = await requireWorkspace(user, slug, "connections:manage");
  let grant: { tokens: TokenSet; accounts: AccountIdentity[] };
  try {
    const verifier = flow.verifierCipher && flow.keyId ? open(flow.verifierCipher, flow.keyId, VERIFIER_PURPOSE) : null;
    grant = await connectorFor(provider).oauth.exchangeCode({ code, redirectUri: flow.redirectUri, codeVerifier: verifier, callback: params });
  } catch (error) {
    log().warn({ provider, err: error instanceof Error ? error.message : String(error) }, "code exchange failed");
    return fail("failed");
  }
  if (grant.accounts.length === 0) return fail("failed");
  if (grant.accounts.length > 1) {
    const sealed = sealTokens(grant.tokens);
    await db().oAuthFlow.update({
      where: { id: flow.id },
      data: { pendingTokens: sealed.tokensCiphertext, keyId: sealed.tokenKeyId, accounts: grant.accounts },
    });
    return { kind: "choose", slug, flowId: flow.id };
  }
  return saveConnection(ctx, provider, grant.accounts[0]!, grant.tokens, flow.connectionId);
}

/** The person picked one of several accounts a grant covers (Xero organisations). */
export async function chooseAccount(ctx: WorkspaceContext, flowId: string, externalAccountId: string): Promise<ConnectOutcome> {
  assertCan(ctx, "connections:manage");
  if (ctx.actor.type !== "USER") throw new ApiError("forbidden", "Connecting a tool needs a person at a browser.");
  const flow = await db().oAuthFlow.findFirst({ where: { id: flowId, workspaceId: ctx.workspace.id, userId: ctx.actor.id } });
  if (!flow?.pendingTokens || !flow.keyId) throw new ApiError("not_found", "This choice is no longer open. Start again from Connections.");
  const accounts = (flow.accounts ?? []) as AccountIdentity[];
  const account = accounts.find((a) => a.externalAccountId === externalAccountId);
  if (!account) throw new ApiError("unprocessable", "Choose one of the listed accounts.", { account: ["Choose one of the listed accounts"] });
  const { count } = await db().oAuthFlow.updateMany({ where: { id: flow.id, completedAt: null }, data: { completedAt: new Date(), pendingTokens: null } });
  if (count === 0) throw new ApiError("conflict", "This choice was already made.");
  const provider = flow.provider.toLowerCase() as ProviderId;
  return saveConnection(ctx, provider, account, openTokens(flow.pendingTokens, flow.keyId), flow.connectionId);
}

export async function pendingChoice(ctx: WorkspaceContext, flowId: string): Promise<{ provider: ProviderId; accounts: AccountIdentity[] } | null> {
  if (ctx.actor.type !== "USER") return null;
  const flow = await db().oAuthFlow.findFirst({ where: { id: flowId, workspaceId: ctx.workspace.id, userId: ctx.actor.id, completedAt: null, pendingTokens: { not: null } } });
  return flow ? { provider: flow.provider.toLowerCase() as ProviderId, accounts: (flow.accounts ?? []) as AccountIdentity[] } : null;
}

async function saveConnection(ctx: WorkspaceContext, provider: ProviderId, account: AccountIdentity, tokens: TokenSet, reconnectId: string | null): Promise<ConnectOutcome> {
  const outcome = await storeConnection(ctx, provider, account, tokens, reconnectId);
  // The first pull starts right away (a backfill for a new connection); its progress shows on the page.
  if (outcome.kind === "done") {
    await enqueue([{ name: "concord/connection.pull", data: { connectionId: outcome.connectionId } }]).catch((error: unknown) =>
      log().warn({ err: error instanceof Error ? error.message : String(error) }, "first pull could not be queued; the sweep will start it"),
    );
    // Pushes that waited for this connection resume now (the sweep would find them within the hour).
    if (outcome.notice === "reconnected") {
      await resumeParkedInvoices(ctx.workspace.id).catch((error: unknown) =>
        log().warn({ err: error instanceof Error ? error.message : String(error) }, "paused pushes could not be resumed; the sweep will"),
      );
    }
  }
  return outcome;
}

async function storeConnection(ctx: WorkspaceContext, provider: ProviderId, account: AccountIdentity, tokens: TokenSet, reconnectId: string | null): Promise<ConnectOutcome> {
  const slug = ctx.workspace.slug;
  return db().$transaction(async (tx) => {
    const where = { workspaceId_provider_externalAccountId: { workspaceId: ctx.workspace.id, provider: toPrismaProvider(provider), externalAccountId: account.externalAccountId } };
    const existing = await tx.connection.findUnique({ where, select: { id: true, status: true } });
    if (reconnectId && existing?.id !== reconnectId) return { kind: "error", slug, notice: "wrong_account", provider } as const;
    if (existing?.status === "ACTIVE" && !reconnectId) return { kind: "error", slug, notice: "already_connected", provider } as const;
    const data = { ...sealTokens(tokens), status: "ACTIVE" as const, displayName: account.displayName, lastError: null, disconnectedAt: null, scopes: tokens.scope ? tokens.scope.split(/[\s,]+/) : [] };
    const connection = existing
      ? await tx.connection.update({ where: { id: existing.id }, data, select: { id: true } })
      : await tx.connection.create({
          data: { ...data, workspaceId: ctx.workspace.id, provider: toPrismaProvider(provider), externalAccountId: account.externalAccountId, connectedById: ctx.actor.id ?? null },
          select: { id: true },
        });
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: existing ? "connection.reconnected" : "connection.connected",
      subjectType: "connection",
      subjectId: connection.id,
      connectionId: connection.id,
      changes: { provider, account: account.externalAccountId, name: account.displayName },
    });
    return { kind: "done", slug, notice: existing ? "reconnected" : "connected", provider, connectionId: connection.id } as const;
  });
}
