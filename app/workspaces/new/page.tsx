import type { Metadata } from "next";
import { SimplePage } from "@/components/shell/simple-page";
import { requireUser } from "@/lib/auth/session";
import { NewWorkspaceForm } from "./new-workspace-form";

export const metadata: Metadata = { title: "New workspace" };

export default async function NewWorkspacePage() {
  await requireUser("/workspaces/new");
  return (
    <SimplePage title="New workspace">
      <p className="mb-4 text-sm text-slate-600">A workspace holds one business&apos;s connections, invoices and members. You will be its owner.</p>
      <NewWorkspaceForm />
    </SimplePage>
  );
}
