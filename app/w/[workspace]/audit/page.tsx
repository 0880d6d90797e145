import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";

export const metadata: Metadata = { title: "Audit" };

export default async function AuditPage({ params }: { params: Promise<{ workspace: string }> }) {
  await workspacePage((await params).workspace, "audit:view");
  return (
    <>
      <PageHeader title="Audit trail" description="Every pull, push, decision and resolution: who or what, when and why." />
      <EmptyState title="No activity yet" testId="empty-audit">
        Entries appear as soon as a tool is connected or a person changes something.
      </EmptyState>
    </>
  );
}
