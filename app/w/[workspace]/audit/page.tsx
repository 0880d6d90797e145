import type { Metadata } from "next";
import { Suspense } from "react";
import { PageHeader } from "@/components/empty-state";
import { AuditTrail } from "@/components/audit/audit-trail";
import { VerifyIntegrity } from "@/components/audit/verify-integrity";
import { PROVIDER_LABELS, type ProviderEnum } from "@/lib/connectors/labels";
import { workspacePage } from "@/lib/auth/workspace-page";
import { listConnections } from "@/lib/connections/manage";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "audit:view");
  const connections = (await listConnections(ctx)).map((c) => ({ id: c.id, label: `${PROVIDER_LABELS[c.provider.toUpperCase() as ProviderEnum]} · ${c.displayName}` }));
  return (
    <>
      <PageHeader title="Audit trail" description="Every pull, push, decision and resolution: who or what, when and why. Entries cannot be changed, and each is chained to the one before it." />
      <div className="mb-6">
        <VerifyIntegrity workspace={ctx.workspace.slug} />
      </div>
      <Suspense>
        <AuditTrail workspace={ctx.workspace.slug} connections={connections} />
      </Suspense>
    </>
  );
}
