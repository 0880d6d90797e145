import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";

export const metadata: Metadata = { title: "Timeline" };

export default function TimelinePage() {
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
