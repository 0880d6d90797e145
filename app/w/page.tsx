import { redirect } from "next/navigation";
import { requireUser } from "@/lib/auth/session";
import { workspacesOf } from "@/lib/workspaces";

/** Where sign-in lands: the person's first workspace, or a prompt to create one. */
export default async function WorkspacesHome() {
  const user = await requireUser("/w");
  const [first] = await workspacesOf(user.id);
  redirect(first ? `/w/${first.workspace.slug}/invoices` : "/workspaces/new");
}
