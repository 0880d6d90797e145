/**
 * The gate of every workspace page: signed in (else to sign-in), a member of the workspace in the
 * URL (else 404: other workspaces do not exist for you), with the permission (else 403).
 */
import { forbidden, notFound } from "next/navigation";
import { cache } from "react";
import { userContext, type WorkspaceContext } from "../authz/context";
import { can, type Permission } from "../authz/permissions";
import { requireUser } from "./session";

// One membership lookup per request, shared by the layout and the page.
const contextFor = cache(async (userId: string, email: string, slug: string) => userContext({ id: userId, email }, slug));

export async function workspacePage(slug: string, permission: Permission, returnTo = `/w/${slug}`): Promise<WorkspaceContext> {
  const user = await requireUser(returnTo);
  const ctx = await contextFor(user.id, user.email, slug);
  if (!ctx) notFound();
  if (!can(ctx.role, permission)) forbidden();
  return ctx;
}
