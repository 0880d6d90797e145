import type { Metadata } from "next";
import { EmptyState, PageHeader } from "@/components/empty-state";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <>
      <PageHeader title="Settings" description="Members, API keys and the rules that decide which system wins." />
      <EmptyState title="Default rules in force" testId="empty-settings">
        Payments follow the payment gateway and invoice details follow the accounting system until you change them.
      </EmptyState>
    </>
  );
}
