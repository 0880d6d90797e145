import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";
import { ConnectionCard } from "@/components/connections/connection-card";
import { workspacePage } from "@/lib/auth/workspace-page";
import { can } from "@/lib/authz/permissions";
import { availableProviders, listConnections } from "@/lib/connections/manage";
import { NOTICES } from "@/lib/connections/notices";
import { latestRuns } from "@/lib/sync/start";
import { failedDeliveryCounts } from "@/lib/webhooks/failed";
import { failedPushCounts } from "@/lib/sync/propagate/failures";
import { historyBacklog } from "@/lib/sync/catch-up";
import { CatchUpHistory } from "@/components/connections/catch-up-history";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage({
  params,
  searchParams,
}: {
  params: Promise<{ workspace: string }>;
  searchParams: Promise<{ notice?: string; provider?: string }>;
}) {
  const ctx = await workspacePage((await params).workspace, "workspace:view");
  const { notice, provider } = await searchParams;
  const [connections, runs, failed, failedPushes, providers] = [await listConnections(ctx), await latestRuns(ctx), await failedDeliveryCounts(ctx), await failedPushCounts(ctx), availableProviders()];
  const manage = can(ctx.role, "connections:manage");
  const backlog = connections.length > 0 ? await historyBacklog(ctx) : 0;
  const label = providers.find((p) => p.id === provider)?.label ?? "The provider";
  const message = notice && notice in NOTICES ? NOTICES[notice as keyof typeof NOTICES] : null;
  const base = `/w/${ctx.workspace.slug}/connections`;

  return (
    <>
      <PageHeader title="Connections" description="The tools this workspace keeps in agreement." />
      {message ? (
        <p role={message.tone === "ok" ? "status" : "alert"} data-testid="connection-notice" className={`mb-6 rounded-md px-3 py-2 text-sm ${message.tone === "ok" ? "bg-emerald-50 text-emerald-800" : "bg-amber-50 text-amber-900"}`}>
          {message.text(label)}
        </p>
      ) : null}

      {backlog > 0 ? <CatchUpHistory workspace={ctx.workspace.slug} backlog={backlog} manage={can(ctx.role, "sync-rules:manage")} /> : null}

      {connections.length === 0 ? (
        <EmptyState title="No tools connected" testId="empty-connections">
          Stripe, QuickBooks Online, Xero and HubSpot connect here with their own sign-in; Concord never sees your passwords there.
        </EmptyState>
      ) : (
        <ul className="space-y-3" aria-label="Connected tools">
          {connections.map((c) => (
            <ConnectionCard key={c.id} connection={c} label={providers.find((p) => p.id === c.provider)?.label ?? c.provider} workspace={ctx.workspace.slug} manage={manage} run={runs.get(c.id) ?? null} failed={failed.get(c.id)} failedPushes={failedPushes.get(c.id)} />
          ))}
        </ul>
      )}

      {manage ? (
        <section className="mt-8" aria-labelledby="connect-heading">
          <h2 id="connect-heading" className="text-lg font-semibold">Connect a tool</h2>
          {providers.length === 0 ? (
            <p className="mt-2 text-sm text-slate-600">No provider is set up on this server: see the README for the client ids and secrets.</p>
          ) : (
            <div className="mt-3 flex flex-wrap gap-3">
              {providers.map((p) => (
                <a key={p.id} href={`${base}/${p.id}/connect`} className="rounded-md bg-white px-4 py-2 text-sm font-semibold shadow-sm ring-1 ring-slate-300 hover:ring-brand-600" data-testid={`connect-${p.id}`}>
                  Connect {p.label}
                </a>
              ))}
            </div>
          )}
        </section>
      ) : (
        <p className="mt-6 text-sm text-slate-600">Only owners and admins can connect or disconnect tools.</p>
      )}
    </>
  );
}
