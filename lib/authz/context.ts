/**
 * The caller inside a workspace: which workspace, with which role, acting as whom. Every
 * workspace-scoped lib function takes one; it is only made after membership (or the API key's
 * workspace) has been checked.
 */
import type { Role } from "../db";
import type { Actor } from "../audit/record";
import { ApiError } from "../http/errors";
import { membershipFor, type WorkspaceSummary } from "../workspaces";
import { can, type Permission } from "./permissions";

export type WorkspaceContext = { workspace: WorkspaceSummary; role: Role; actor: Actor };

/** A refusal at the gate: not a member of the workspace (404) or a role without the permission (403). */
export class GateError extends ApiError {
  constructor(readonly gate: "workspace" | "permission", permission?: Permission) {
    super(gate === "workspace" ? "not_found" : "forbidden", gate === "workspace" ? "No such workspace." : `Your role does not allow this (${permission}).`);
  }
}

export function assertCan(ctx: WorkspaceContext, permission: Permission): void {
  if (!can(ctx.role, permission)) throw new GateError("permission", permission);
}

/** The one gate for people: member of `slug` (else 404) with `permission` (else 403). */
export async function requireWorkspace(user: { id: string; email: string }, slug: string, permission: Permission): Promise<WorkspaceContext> {
  const ctx = await userContext(user, slug);
  if (!ctx) throw new GateError("workspace");
  assertCan(ctx, permission);
  return ctx;
}

/** A signed-in person's context in the workspace `slug`, or null when they are not a member. */
export async function userContext(user: { id: string; email: string }, slug: string): Promise<WorkspaceContext | null> {
  const membership = await membershipFor(user.id, slug);
  if (!membership) return null;
  return { ...membership, actor: { type: "USER", id: user.id, label: user.email } };
}
