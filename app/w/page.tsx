import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { workspacesOf } from "@/lib/workspaces";

/**
 * Where sign-in lands: the person's first workspace, or a prompt to create one. A connect notice
 * that could not be tied to a workspace (a forged or unknown state) is shown on its Connections page.
 */
export default async function WorkspacesHome({ searchParams }: { searchParams: Promise<{ notice?: string; provider?: string }> }) {
  const user = await requireUser("/w");
  const { notice, provider } = await searchParams;
  const [first] = await workspacesOf(user.id);
  if (!first) redirect("/workspaces/new");
  const about = provider && /^[a-z]+$/.test(provider) ? `&provider=${provider}` : "";
  redirect(notice && /^[a-z_]+$/.test(notice) ? `/w/${first.workspace.slug}/connections?notice=${notice}${about}` : `/w/${first.workspace.slug}/invoices`);
}
