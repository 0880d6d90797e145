/**
 * The gate of every workspace page: signed in (else to sign-in, coming back to this page), a
 * member of the workspace in the URL (else 404: other workspaces do not exist for you), with the
 * permission (else 403).
 */
import { headers } from "next/headers";
import { forbidden, notFound } from "next/navigation";
import { cache } from "react";
import { GateError, requireWorkspace, type WorkspaceContext } from "../authz/context";
import type { Permission } from "../authz/permissions";
import { PATH_HEADER } from "../request-id";
import { requireUser } from "./session";

// One membership lookup per request and permission, shared by the layout and the page.
const gate = cache(async (userId: string, email: string, slug: string, permission: Permission) =>
  requireWorkspace({ id: userId, email }, slug, permission),
);

export async function workspacePage(slug: string, permission: Permission): Promise<WorkspaceContext> {
  const user = await requireUser((await headers()).get(PATH_HEADER) ?? `/w/${slug}`);
  try {
    return await gate(user.id, user.email, slug, permission);
  } catch (error) {
    if (error instanceof GateError) return error.gate === "workspace" ? notFound() : forbidden();
    throw error;
  }
}
