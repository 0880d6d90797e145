/**
 * Who may do what in a workspace: the one permission table. Pages, server actions, route
 * handlers and the API all ask `can(role, permission)` (through lib/authz/context); nothing
 * else decides.
 */
import type { Role } from "../db/generated/enums";

export const ROLES = ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const satisfies readonly Role[];

export const PERMISSIONS = {
  /** See the timeline, conflicts, connections and members. */
  "workspace:view": ["OWNER", "ADMIN", "MEMBER", "VIEWER"],
  /** Connect, reconnect and disconnect tools. */
  "connections:manage": ["OWNER", "ADMIN"],
  /** Change source-of-truth and auto-resolution rules. */
  "sync-rules:manage": ["OWNER", "ADMIN"],
  /** Turn the conflict digest on or off; set up, test and rotate the outgoing webhook. */
  "notifications:manage": ["OWNER", "ADMIN"],
  /** Resolve, ignore and reopen conflicts. */
  "conflicts:resolve": ["OWNER", "ADMIN", "MEMBER"],
  /** Browse and export the audit trail. */
  "audit:view": ["OWNER", "ADMIN", "MEMBER"],
  /** Invite, remove and change the role of members. */
  "members:manage": ["OWNER", "ADMIN"],
  /** Create and revoke API keys. */
  "api-keys:manage": ["OWNER", "ADMIN"],
  /** Rename the workspace. */
  "workspace:manage": ["OWNER"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

/**
 * Whether `actor` may give `target` (currently `from`, or a new invitee when `from` is null)
 * the role `to`. Admins manage admins, members and viewers; only owners touch owners.
 */
export function canAssignRole(actor: Role, from: Role | null, to: Role): boolean {
  if (!can(actor, "members:manage")) return false;
  if (actor === "OWNER") return true;
  return from !== "OWNER" && to !== "OWNER";
}
