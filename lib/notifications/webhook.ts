/**
 * The outgoing webhook: conflicts opened since the workspace's cursor, POSTed in batches, signed.
 * Driven from PostgreSQL by a cron (inngest/functions/notify-webhook.ts), so nothing depends on
 * the process that opened the conflicts. A batch is formed once and kept (settings, `pending`)
 * until the receiver answers 2xx: each retry sends the same conflicts under the same
 * Concord-Event-Id, and only a 2xx moves the cursor past them. Failures are retried at the next
 * tick, then less often (doubling, at most hourly), each recorded in the audit trail.
 */
import { createHash, randomBytes } from "node:crypto";
import { db } from "../db";
import type { Prisma } from "../db/generated/client";
import { recordAudit, type Actor } from "../audit/record";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { log } from "../log";
import { conflictHorizon, conflictLines, conflictsAfter, cursorOf, type ConflictLine } from "./conflicts";
import type { DeliveryResult, NotificationsState, PendingBatch, WebhookBody, WebhookState } from "./schemas";
import { EVENT_ID_HEADER, openSecret, SIGNATURE_HEADER, signatureHeader } from "./signature";
import { lockNotifications, readNotifications, writeNotifications } from "./store";

export const BATCH_SIZE = 100;
export const TIMEOUT_MS = 10_000;
/** A sender's hold on a batch; longer than the request's timeout, short enough that a crashed sender's batch is soon picked up. */
const LEASE_MS = 60_000;
const MAX_RETRY_MINUTES = 60;
const SYSTEM: Actor = { type: "SYSTEM", label: "Notifications" };

export type DeliveryOptions = {
  now?: () => Date;
  /** Where reading stops (tests pin it; normally the transaction horizon, lib/notifications/conflicts.ts). */
  horizon?: () => Promise<Date>;
  batchSize?: number;
  /** Batches per workspace per tick: a backlog drains over a few ticks without holding one for long. */
  maxBatches?: number;
  timeoutMs?: number;
};

export type DeliverySummary = { state: "none" | "idle" | "waiting" | "busy" | "failed" | "more"; batches: number; delivered: number };

/** The same batch always gets the same id, whichever worker sends it and however often. */
export function eventIdOf(workspaceId: string, conflictIds: string[]): string {
  return `evt_${createHash("sha256").update(`${workspaceId}:${conflictIds.join(",")}`).digest("hex").slice(0, 32)}`;
}

/** After the nth failed attempt: the next tick, then 2, 4, ... minutes, at most an hour (a little early, so the tick is not missed). */
export function retryDelayMs(attempts: number): number {
  return Math.min(MAX_RETRY_MINUTES, 2 ** Math.max(0, attempts - 1)) * 60_000 - 5_000;
}

/** The URL as the audit trail shows it: a query string may carry a token, so it is left out. */
export function urlForAudit(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
}

/** The secrets that sign now: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(workspaceId: string, hook: WebhookState, now: Date): string[] {
  const secrets = [openSecret(workspaceId, hook.secret)];
  if (hook.previousSecret && new Date(hook.previousSecret.expiresAt) > now) secrets.push(openSecret(workspaceId, hook.previousSecret));
  return secrets;
}

type Post = { ok: boolean; status: number | null; error: string | null };

function describeFailure(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return `No answer within ${timeoutMs / 1000} s`;
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  if (typeof code === "string") return `Could not connect (${code})`;
  return "Could not connect";
}

/** One signed POST; redirects are not followed (a 3xx is a failure), the answer's body is not read. */
export async function postSigned(url: string, secrets: string[], eventId: string, body: WebhookBody, timeoutMs = TIMEOUT_MS): Promise<Post> {
  const raw = JSON.stringify(body);
  try {
    const response = await fetch(url, {
      method: "POST",
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
      headers: { "content-type": "application/json", "user-agent": "Concord-Webhooks/1", [SIGNATURE_HEADER]: signatureHeader(secrets, raw), [EVENT_ID_HEADER]: eventId },
      body: raw,
    });
    await response.body?.cancel().catch(() => undefined);
    const ok = response.status >= 200 && response.status < 300;
    return { ok, status: response.status, error: ok ? null : `Answered HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, status: null, error: describeFailure(error, timeoutMs) };
  }
}

const bodyLine = (c: ConflictLine): WebhookBody["conflicts"][number] => ({
  id: c.id,
  kind: c.kind,
  field: c.field,
  invoiceId: c.invoiceId,
  invoiceNumber: c.invoiceNumber,
  createdAt: c.createdAt.toISOString(),
});

type Claim =
  | { kind: "none" | "idle" | "waiting" | "busy" | "skipped" }
  | { kind: "batch"; slug: string; url: string; secrets: string[]; pending: PendingBatch; lines: ConflictLine[] };

const withWebhook = (state: NotificationsState, webhook: WebhookState | undefined): NotificationsState => ({ ...state, webhook });

/** Takes the pending batch (or forms the next one) and holds it for this sender. */
async function claim(workspaceId: string, now: Date, horizon: Date, batchSize: number): Promise<Claim> {
  return db().$transaction(async (tx) => {
    const locked = await lockNotifications(tx, workspaceId);
    const hook = locked?.state.webhook;
    if (!locked || !hook) return { kind: "none" };
    let pending = hook.pending;
    let lines: ConflictLine[];
    if (pending) {
      if (pending.leaseUntil && new Date(pending.leaseUntil) > now) return { kind: "busy" };
      if (new Date(pending.nextAttemptAt) > now) return { kind: "waiting" };
      lines = await conflictLines(workspaceId, pending.conflictIds, tx);
    } else {
      lines = await conflictsAfter(workspaceId, hook.cursor, horizon, batchSize, tx);
      if (lines.length === 0) return { kind: "idle" };
      const ids = lines.map((l) => l.id);
      pending = { eventId: eventIdOf(workspaceId, ids), conflictIds: ids, last: cursorOf(lines.at(-1)!), attempts: 0, nextAttemptAt: now.toISOString(), leaseUntil: null };
    }
    if (lines.length === 0) {
      // Everything in the batch was deleted meanwhile (its invoice removed): nothing left to say.
      await writeNotifications(tx, workspaceId, withWebhook(locked.state, { ...hook, cursor: pending.last, pending: null }));
      return { kind: "skipped" };
    }
    const held = { ...pending, leaseUntil: new Date(now.getTime() + LEASE_MS).toISOString() };
    await writeNotifications(tx, workspaceId, withWebhook(locked.state, { ...hook, pending: held }));
    return { kind: "batch", slug: locked.slug, url: hook.url, secrets: signingSecrets(workspaceId, hook, now), pending: held, lines };
  });
}

async function auditFailure(tx: Prisma.TransactionClient, workspaceId: string, actor: Actor, url: string, result: DeliveryResult, extra: Record<string, string | number> = {}): Promise<void> {
  await recordAudit(tx, {
    workspaceId,
    actor,
    action: "notifications.webhook.failed",
    subjectType: "workspace",
    subjectId: workspaceId,
    changes: { url: urlForAudit(url), eventId: result.eventId, status: result.status, error: result.error, conflicts: result.conflicts, test: result.test, ...extra },
  });
}

/** Records the answer: a 2xx moves the cursor past the batch; anything else keeps it for a later attempt. */
async function settle(workspaceId: string, batch: Extract<Claim, { kind: "batch" }>, post: Post, now: Date): Promise<void> {
  await db().$transaction(async (tx) => {
    const locked = await lockNotifications(tx, workspaceId);
    const hook = locked?.state.webhook;
    // Removed, or removed and added again, while we were sending: that configuration starts afresh.
    if (!locked || !hook || !hook.pending || hook.pending.eventId !== batch.pending.eventId) return;
    const result: DeliveryResult = { at: now.toISOString(), eventId: batch.pending.eventId, ok: post.ok, status: post.status, error: post.error, conflicts: batch.lines.length, test: false };
    if (post.ok) {
      await writeNotifications(tx, workspaceId, withWebhook(locked.state, { ...hook, cursor: batch.pending.last, pending: null, lastDelivery: result }));
      return;
    }
    const attempts = hook.pending.attempts + 1;
    const nextAttemptAt = new Date(now.getTime() + retryDelayMs(attempts)).toISOString();
    await writeNotifications(tx, workspaceId, withWebhook(locked.state, { ...hook, pending: { ...hook.pending, attempts, nextAttemptAt, leaseUntil: null }, lastDelivery: result }));
    await auditFailure(tx, workspaceId, SYSTEM, hook.url, result, { attempts, nextAttemptAt });
  });
}

/** One tick for one workspace: the pending batch if it is due, then new conflicts, a few batches at most. */
export async function deliverWebhook(workspaceId: string, options: DeliveryOptions = {}): Promise<DeliverySummary> {
  const now = options.now ?? (() => new Date());
  const horizon = options.horizon ?? conflictHorizon;
  const batchSize = options.batchSize ?? BATCH_SIZE;
  const summary: DeliverySummary = { state: "more", batches: 0, delivered: 0 };
  for (let i = 0; i < (options.maxBatches ?? 5); i++) {
    const until = await horizon();
    const claimed = await claim(workspaceId, now(), until, batchSize);
    if (claimed.kind === "skipped") continue;
    if (claimed.kind !== "batch") return { ...summary, state: claimed.kind };
    const body: WebhookBody = { type: "conflicts.opened", workspace: claimed.slug, conflicts: claimed.lines.map(bodyLine), sentAt: now().toISOString() };
    const post = await postSigned(claimed.url, claimed.secrets, claimed.pending.eventId, body, options.timeoutMs ?? TIMEOUT_MS);
    await settle(workspaceId, claimed, post, now());
    summary.batches++;
    if (!post.ok) {
      log().warn({ workspaceId, eventId: claimed.pending.eventId, status: post.status, error: post.error }, "notification webhook failed");
      return { ...summary, state: "failed" };
    }
    summary.delivered += claimed.lines.length;
  }
  return summary;
}

/** "Send test event": a signed `test` event with no conflicts, now; the cursor is left alone. */
export async function sendTestEvent(ctx: WorkspaceContext, options: { timeoutMs?: number } = {}): Promise<DeliveryResult> {
  assertCan(ctx, "notifications:manage");
  const workspaceId = ctx.workspace.id;
  const hook = (await readNotifications(workspaceId)).webhook;
  if (!hook) throw new ApiError("conflict", "Add a webhook URL first.");
  const now = new Date();
  const eventId = `evt_test_${randomBytes(12).toString("hex")}`;
  const body: WebhookBody = { type: "test", workspace: ctx.workspace.slug, conflicts: [], sentAt: now.toISOString() };
  const post = await postSigned(hook.url, signingSecrets(workspaceId, hook, now), eventId, body, options.timeoutMs ?? TIMEOUT_MS);
  const result: DeliveryResult = { at: new Date().toISOString(), eventId, ok: post.ok, status: post.status, error: post.error, conflicts: 0, test: true };
  await db().$transaction(async (tx) => {
    const locked = await lockNotifications(tx, workspaceId);
    const current = locked?.state.webhook;
    if (!locked || !current) return;
    await writeNotifications(tx, workspaceId, withWebhook(locked.state, { ...current, lastDelivery: result }));
    if (!post.ok) await auditFailure(tx, workspaceId, ctx.actor, current.url, result);
  });
  return result;
}
