import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PageHeader } from "@/components/empty-state";
import { ChooseAccountForm } from "./choose-form";
import { workspacePage } from "@/lib/auth/workspace-page";
import { pendingChoice } from "@/lib/connections/connect";
import { connectorFor } from "@/lib/connectors";

export const metadata: Metadata = { title: "Choose an account" };

export default async function ChooseAccountPage({ params, searchParams }: { params: Promise<{ workspace: string }>; searchParams: Promise<{ flow?: string }> }) {
  const ctx = await workspacePage((await params).workspace, "connections:manage");
  const flowId = (await searchParams).flow ?? "";
  const choice = await pendingChoice(ctx, flowId);
  if (!choice) notFound();
  const label = connectorFor(choice.provider).label;
  return (
    <>
      <PageHeader title={`Which ${label} organisation?`} description={`Your ${label} sign-in gave access to several. Concord connects one per connection; connect again for another.`} />
      <ChooseAccountForm workspace={ctx.workspace.slug} flowId={flowId} accounts={choice.accounts} />
    </>
  );
}
