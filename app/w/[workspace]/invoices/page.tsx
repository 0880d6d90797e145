import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";
import { workspacePage } from "@/lib/auth/workspace-page";

export const metadata: Metadata = { title: "Timeline" };

export default async function TimelinePage({ params }: { params: Promise<{ workspace: string }> }) {
  await workspacePage((await params).workspace, "workspace:view");
  return (
    <>
      <PageHeader title="Timeline" description="Every invoice, with its state in each connected system side by side." />
      <EmptyState title="No invoices yet" testId="empty-invoices">
        Connect a payment gateway, an accounting system or a CRM under Connections. Concord pulls their invoices and
        links the records that describe the same invoice.
      </EmptyState>
    </>
  );
}
