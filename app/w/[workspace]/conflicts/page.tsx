import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/components/empty-state";
import { ConflictInbox, type ConnectionOption } from "@/components/conflicts/conflict-inbox";
import { SYSTEM_LABEL } from "@/components/invoices/format";
import { workspacePage } from "@/lib/auth/workspace-page";
import { can } from "@/lib/authz/permissions";
import { listConnections } from "@/lib/connections/manage";

export const metadata: Metadata = { title: "Conflicts" };

/** The conflict inbox: everyone in the workspace sees it; the roles that may resolve get the decisions. */
export default async function ConflictsPage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "workspace:view");
  const connections: ConnectionOption[] = (await listConnections(ctx)).map((c) => ({ id: c.id, system: c.provider, label: `${SYSTEM_LABEL[c.provider] ?? c.provider} · ${c.displayName}` }));
  return (
    <>
      <PageHeader title="Conflicts" description="What the sync rules could not settle, waiting for a person to decide. Press ? for keyboard shortcuts." />
      <Suspense>
        <ConflictInbox workspace={ctx.workspace.slug} canResolve={can(ctx.role, "conflicts:resolve")} connections={connections} />
      </Suspense>
    </>
  );
}
