import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";

export const metadata: Metadata = { title: "Connections" };

export default function ConnectionsPage() {
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
