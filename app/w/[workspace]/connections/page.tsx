import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";

export const metadata: Metadata = { title: "Connections" };

export default async function ConnectionsPage({ params }: { params: Promise<{ workspace: string }> }) {
  await workspacePage((await params).workspace, "workspace:view");
  return (
    <>
      <PageHeader title="Connections" description="The tools this workspace keeps in agreement." />
      <EmptyState title="No tools connected" testId="empty-connections">
        Stripe, QuickBooks Online, Xero and HubSpot connect here with their own sign-in; Concord never sees your
        passwords there.
      </EmptyState>
    </>
  );
}
