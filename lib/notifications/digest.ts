/**
 * The daily digest: once a day (inngest/functions/notify-digest.ts), every member who may resolve
 * conflicts gets one email listing the conflicts opened since the previous digest: the count by
 * kind and the first lines with their invoice numbers and links. Nothing is sent when there are
 * none. A run records who has had it as it goes, so a retried run emails nobody twice; its window
 * is fixed when it starts, so a resumed run sends the same digest.
 */
import { db } from "../db";
import { recordAudit } from "../audit/record";
import { PERMISSIONS } from "../authz/permissions";
import { emailIsConfigured, sendEmail } from "../email";
import { appUrl } from "../urls";
import { conflictHorizon, conflictWindow, lastConflictAfter, type ConflictLine } from "./conflicts";
import type { Cursor, DigestState } from "./schemas";
import { lockNotifications, writeNotifications } from "./store";

export const DIGEST_LINES = 20;

export type DigestOptions = {
  now?: () => Date;
  horizon?: () => Promise<Date>;
  send?: (message: { to: string; subject: string; text: string }) => Promise<boolean>;
  emailConfigured?: () => boolean;
};

export type DigestOutcome = { state: "disabled" | "nothing" | "sent"; conflicts: number; recipients: number; failed: number; emailed: boolean };

const KIND_LABELS: Record<string, string> = {
  STATUS: "Status",
  AMOUNT: "Amount",
  CURRENCY: "Currency",
  DATE: "Due date",
  CUSTOMER: "Customer",
  DUPLICATE: "Duplicate",
  MISSING: "Missing",
  POSSIBLE_MATCH: "Possible match",
  OTHER: "Other",
};
const kindLabel = (kind: string) => KIND_LABELS[kind] ?? kind;

/** The email, pure: subject and plain text. */
export function digestMessage(input: { workspace: { name: string; slug: string }; total: number; byKind: Record<string, number>; lines: ConflictLine[] }): { subject: string; text: string } {
  const { workspace, total, byKind, lines } = input;
  const inbox = appUrl(`/w/${workspace.slug}/conflicts`);
  const plural = total === 1 ? "conflict" : "conflicts";
  const text = [
    `${total} new ${plural} in ${workspace.name} since the last digest.`,
    "",
    ...Object.entries(byKind)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `  ${kindLabel(kind)}: ${n}`),
    "",
    ...lines.map((c) => {
      const subject = c.invoiceNumber ? `invoice ${c.invoiceNumber}` : c.invoiceId ? "an invoice without a number" : "no invoice";
      const link = c.invoiceNumber ? `${inbox}?q=${encodeURIComponent(c.invoiceNumber)}` : inbox;
      return `- ${kindLabel(c.kind)} on ${subject}: ${link}`;
    }),
    ...(total > lines.length ? [`…and ${total - lines.length} more.`] : []),
    "",
    `Open the conflict inbox: ${inbox}`,
    "",
    `You get this email because the daily digest is on for ${workspace.name} (Settings → Notifications).`,
  ].join("\n");
  return { subject: `Concord: ${total} new ${plural} in ${workspace.name}`, text };
}

type Run = NonNullable<DigestState["inProgress"]>;

/** Starts a run (or takes up the one a stopped process left): the window is (cursor, last conflict before the horizon]. */
async function begin(workspaceId: string, now: Date, horizon: Date): Promise<{ kind: "disabled" | "nothing" } | { kind: "run"; workspace: { name: string; slug: string }; cursor: Cursor; run: Run }> {
  return db().$transaction(async (tx) => {
    const locked = await lockNotifications(tx, workspaceId);
    const digest = locked?.state.digest;
    if (!locked || !digest?.enabled) return { kind: "disabled" };
    let run = digest.inProgress;
    if (!run) {
      const upTo = await lastConflictAfter(workspaceId, digest.cursor, horizon, tx);
      if (!upTo) return { kind: "nothing" };
      run = { upTo, startedAt: now.toISOString(), sentTo: [], failed: [] };
      await writeNotifications(tx, workspaceId, { ...locked.state, digest: { ...digest, inProgress: run } });
    }
    return { kind: "run", workspace: { name: locked.name, slug: locked.slug }, cursor: digest.cursor, run };
  });
}

/** Notes one recipient done (sent or failed, audited); false when the run was ended meanwhile (digest turned off). */
async function markRecipient(workspaceId: string, run: Run, recipient: { userId: string; email: string }, ok: boolean, conflicts: number): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const locked = await lockNotifications(tx, workspaceId);
    const digest = locked?.state.digest;
    const current = digest?.inProgress;
    if (!locked || !digest || !current || current.startedAt !== run.startedAt) return false;
    const next = ok ? { ...current, sentTo: [...current.sentTo, recipient.userId] } : { ...current, failed: [...current.failed, recipient.userId] };
    await writeNotifications(tx, workspaceId, { ...locked.state, digest: { ...digest, inProgress: next } });
    if (!ok) {
      await recordAudit(tx, {
        workspaceId,
        actor: { type: "SYSTEM", label: "Notifications" },
        action: "notifications.digest.failed",
        subjectType: "user",
        subjectId: recipient.userId,
        changes: { recipient: recipient.email, conflicts },
      });
    }
    return true;
  });
}

async function finish(workspaceId: string, run: Run, outcome: Omit<DigestOutcome, "state">, now: Date): Promise<void> {
  await db().$transaction(async (tx) => {
    const locked = await lockNotifications(tx, workspaceId);
    const digest = locked?.state.digest;
    if (!locked || !digest || digest.inProgress?.startedAt !== run.startedAt) return;
    await writeNotifications(tx, workspaceId, { ...locked.state, digest: { ...digest, cursor: run.upTo, inProgress: null, lastRun: { at: now.toISOString(), ...outcome } } });
  });
}

/** Who gets the digest: members whose role may resolve conflicts. */
async function recipientsOf(workspaceId: string): Promise<{ userId: string; email: string }[]> {
  const members = await db().membership.findMany({
    where: { workspaceId, role: { in: [...PERMISSIONS["conflicts:resolve"]] } },
    select: { userId: true, user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return members.map((m) => ({ userId: m.userId, email: m.user.email }));
}

/** One workspace's digest: sent to each recipient who has not had this one yet. */
export async function sendDigest(workspaceId: string, options: DigestOptions = {}): Promise<DigestOutcome> {
  const now = options.now ?? (() => new Date());
  const send = options.send ?? sendEmail;
  const started = await begin(workspaceId, now(), await (options.horizon ?? conflictHorizon)());
  if (started.kind !== "run") return { state: started.kind, conflicts: 0, recipients: 0, failed: 0, emailed: false };
  const { run } = started;
  const window = await conflictWindow(workspaceId, started.cursor, run.upTo, DIGEST_LINES);
  const recipients = await recipientsOf(workspaceId);
  const emailed = (options.emailConfigured ?? emailIsConfigured)();
  const done = new Set([...run.sentTo, ...run.failed]);
  let failed = run.failed.length;
  if (emailed && window.total > 0) {
    const message = digestMessage({ workspace: started.workspace, ...window });
    for (const recipient of recipients.filter((r) => !done.has(r.userId))) {
      const ok = await send({ to: recipient.email, ...message });
      if (!ok) failed++;
      if (!(await markRecipient(workspaceId, run, recipient, ok, window.total))) return { state: "disabled", conflicts: window.total, recipients: recipients.length, failed, emailed };
    }
  }
  const outcome = { conflicts: window.total, recipients: emailed ? recipients.length : 0, failed, emailed };
  await finish(workspaceId, run, outcome, now());
  return { state: window.total > 0 ? "sent" : "nothing", ...outcome };
}
