import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";
import { can } from "@/lib/authz/permissions";
import { RenameWorkspaceForm } from "./rename-form";
import { SyncRulesForm } from "./sync-rules-form";
import { AutoResolveForm } from "./auto-resolve-form";
import { autoResolveRulesFor } from "@/lib/conflicts/auto-rules";
import { FIELD_GROUPS, syncRulesFor, winnersOf } from "@/lib/sync/rules";
import { PROVIDER_NAMES } from "@/lib/sync/canonical";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "workspace:view");
  const base = `/w/${ctx.workspace.slug}/settings`;
  const rules = await syncRulesFor(ctx.workspace.id);
  const autoRules = await autoResolveRulesFor(ctx.workspace.id);
  const sections = [
    { href: `${base}/members`, title: "Members", body: "Who is in this workspace, their roles, and invitations.", show: true },
    { href: `${base}/api-keys`, title: "API keys", body: "Keys for the REST API, each with a role.", show: can(ctx.role, "api-keys:manage") },
    { href: `${base}/notifications`, title: "Notifications", body: "A daily email digest of new conflicts, or a signed webhook.", show: can(ctx.role, "notifications:manage") },
  ];
  return (
    <>
      <PageHeader title="Settings" description="Members, API keys and the rules that decide which system wins." />
      <div className="grid gap-4 sm:grid-cols-2">
        {sections
          .filter((s) => s.show)
          .map((s) => (
            <Link key={s.href} href={s.href} className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200 hover:ring-brand-600">
              <h2 className="font-semibold">{s.title}</h2>
              <p className="mt-1 text-sm text-slate-600">{s.body}</p>
            </Link>
          ))}
      </div>
      <section className="mt-8 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="workspace-heading">
        <h2 id="workspace-heading" className="font-semibold">
          Workspace
        </h2>
        {can(ctx.role, "workspace:manage") ? (
          <RenameWorkspaceForm workspace={ctx.workspace.slug} name={ctx.workspace.name} />
        ) : (
          <p className="mt-1 text-sm text-slate-600">{ctx.workspace.name}. Only owners can rename it.</p>
        )}
      </section>
      <section className="mt-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="rules-heading" data-testid="empty-settings">
        <h2 id="rules-heading" className="font-semibold">
          Sync rules
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          For each group of fields, the system whose value Concord takes and writes to the others (the source of truth).
        </p>
        <SyncRulesForm workspace={ctx.workspace.slug} groups={FIELD_GROUPS} winners={winnersOf(rules)} providers={PROVIDER_NAMES} editable={can(ctx.role, "sync-rules:manage")} />
      </section>
      <section className="mt-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" aria-labelledby="auto-heading">
        <h2 id="auto-heading" className="font-semibold">
          Auto-resolution rules
        </h2>
        <p className="mt-1 text-sm text-slate-600">Differences Concord settles by itself instead of asking in the conflict inbox. Off until you turn them on.</p>
        <AutoResolveForm workspace={ctx.workspace.slug} roundingMinor={autoRules.roundingMinor} dueDateFromSource={autoRules.dueDateFromSource} editable={can(ctx.role, "sync-rules:manage")} />
      </section>
    </>
  );
}
