import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { EmptyState, PageHeader } from "@/components/empty-state";
import { Timeline } from "@/components/invoices/timeline";
import { workspacePage } from "@/lib/auth/workspace-page";
import { hasAnyInvoiceOrConnection } from "@/lib/invoices/presence";

export const metadata: Metadata = { title: "Timeline" };

export default async function TimelinePage({ params }: { params: Promise<{ workspace: string }> }) {
  const ctx = await workspacePage((await params).workspace, "workspace:view");
  const started = await hasAnyInvoiceOrConnection(ctx);
  return (
    <>
      <PageHeader title="Timeline" description="Every invoice, with its state in each connected system side by side." />
      {started ? (
        <Suspense>
          <Timeline workspace={ctx.workspace.slug} />
        </Suspense>
      ) : (
        <EmptyState title="No invoices yet" testId="empty-invoices">
          Connect a payment gateway, an accounting system or a CRM under{" "}
          <Link className="text-brand-700 underline" href={`/w/${ctx.workspace.slug}/connections`}>
            Connections
          </Link>
          . Concord pulls their invoices and links the records that describe the same invoice.
        </EmptyState>
      )}
    </>
  );
}
