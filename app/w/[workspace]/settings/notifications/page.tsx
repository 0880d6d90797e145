import type { Metadata } from "next";
import { PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";
import { notificationSettings } from "@/lib/notifications/settings";
import { DigestForm, WebhookTools, WebhookUrlForm } from "./notification-forms";

export const metadata: Metadata = { title: "Notifications" };

function when(iso: string): string {
  return iso.replace("T", " ").slice(0, 16) + " UTC";
}

export default async function NotificationsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "notifications:manage");
  const settings = await notificationSettings(ctx);
  const slug = ctx.workspace.slug;
  const { digest, webhook } = settings;
  return (
    <>
      <PageHeader title="Notifications" description="Hear about new conflicts: a daily email digest, or a signed webhook to your own systems." />
      <section className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="digest-heading">
        <h2 id="digest-heading" className="font-semibold">
          Daily digest
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          Every day at 08:00 UTC, owners, admins and members get one email listing the conflicts opened since the previous digest. Nothing is sent on days without new conflicts.
        </p>
        {!settings.emailConfigured ? (
          <p className="mt-2 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="email-not-configured">
            Email is not configured on this server (SMTP_URL), so digests are not sent.
          </p>
        ) : null}
        <DigestForm workspace={slug} enabled={digest.enabled} />
        {digest.lastRun ? (
          <p className="mt-3 text-sm text-slate-600" data-testid="digest-last-run">
            Last digest {when(digest.lastRun.at)}: {digest.lastRun.conflicts} {digest.lastRun.conflicts === 1 ? "conflict" : "conflicts"},{" "}
            {digest.lastRun.emailed ? `${digest.lastRun.recipients - digest.lastRun.failed} of ${digest.lastRun.recipients} emails sent` : "not emailed (no SMTP)"}.
          </p>
        ) : null}
      </section>

      <section className="mt-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="webhook-heading">
        <h2 id="webhook-heading" className="font-semibold">
          Webhook
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          When conflicts are opened, Concord POSTs them as JSON (<code>conflicts.opened</code>) within a minute or two, signed in the <code>Concord-Signature</code> header with a secret only you and Concord
          know. A failed delivery is retried with the same <code>Concord-Event-Id</code> until your endpoint answers 2xx. How to check the signature is in the README (Notifications).
        </p>
        <WebhookUrlForm workspace={slug} url={webhook?.url ?? null} />
        {webhook ? (
          <>
            <dl className="mt-4 grid max-w-xl grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm" data-testid="webhook-status">
              <dt className="text-slate-500">Secret created</dt>
              <dd>
                {when(webhook.secretCreatedAt)}
                {webhook.previousSecretExpiresAt ? ` (the previous one also signs until ${when(webhook.previousSecretExpiresAt)})` : ""}
              </dd>
              <dt className="text-slate-500">Last delivery</dt>
              <dd data-testid="webhook-last-delivery">
                {webhook.lastDelivery
                  ? `${when(webhook.lastDelivery.at)}${webhook.lastDelivery.test ? " (test event)" : ""}: ${webhook.lastDelivery.ok ? `delivered, HTTP ${webhook.lastDelivery.status}` : `failed, ${webhook.lastDelivery.error ?? "no answer"}`}`
                  : "none yet"}
              </dd>
              {webhook.retry ? (
                <>
                  <dt className="text-slate-500">Waiting to retry</dt>
                  <dd data-testid="webhook-retry">
                    {webhook.retry.conflicts} {webhook.retry.conflicts === 1 ? "conflict" : "conflicts"} ({webhook.retry.eventId}), {webhook.retry.attempts} failed{" "}
                    {webhook.retry.attempts === 1 ? "attempt" : "attempts"}, next at {when(webhook.retry.nextAttemptAt)}
                  </dd>
                </>
              ) : null}
            </dl>
            <WebhookTools workspace={slug} />
          </>
        ) : null}
      </section>
    </>
  );
}
