import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";

export const metadata: Metadata = { title: "Conflicts" };

export default async function ConflictsPage({ params }: { params: Promise<{ workspace: string }> }) {
  await workspacePage((await params).workspace, "workspace:view");
  return (
    <>
      <PageHeader title="Conflicts" description="What the sync rules could not settle, waiting for a person to decide." />
      <EmptyState title="Nothing to resolve" testId="empty-conflicts">
        When two systems disagree on an amount, a status or a customer and the rules cannot decide, the difference
        appears here with each system&apos;s value.
      </EmptyState>
    </>
  );
}
