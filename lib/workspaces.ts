/**
 * Workspaces and the caller's membership in them. A workspace is reached by its slug in the URL;
 * `membershipFor` is the gate every workspace page, action and route passes through.
 */
import { randomBytes } from "node:crypto";
import { db, type DbOrTx, type Role } from "./db";

export type WorkspaceSummary = { id: string; name: string; slug: string };
export type Membership = { workspace: WorkspaceSummary; role: Role };

const summary = { id: true, name: true, slug: true } as const;

export function slugify(name: string): string {
  const base = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return base || "workspace";
}

/** A new workspace with `userId` as its OWNER. Slugs get a random suffix, so names may repeat. */
export async function createWorkspaceFor(userId: string, name: string, client: DbOrTx = db()): Promise<WorkspaceSummary> {
  const slug = `${slugify(name)}-${randomBytes(4).toString("hex")}`;
  return client.workspace.create({
    data: { name, slug, memberships: { create: { userId, role: "OWNER" } } },
    select: summary,
  });
}

export async function findWorkspaceBySlug(slug: string, client: DbOrTx = db()): Promise<WorkspaceSummary | null> {
  return client.workspace.findUnique({ where: { slug }, select: summary });
}

/** The user's membership in the workspace with this slug; null when there is none (answer 404). */
export async function membershipFor(userId: string, slug: string, client: DbOrTx = db()): Promise<Membership | null> {
  const row = await client.membership.findFirst({
    where: { userId, workspace: { slug } },
    select: { role: true, workspace: { select: summary } },
  });
  return row && { workspace: row.workspace, role: row.role };
}

export async function workspacesOf(userId: string, client: DbOrTx = db()): Promise<Membership[]> {
  const rows = await client.membership.findMany({
    where: { userId },
    select: { role: true, workspace: { select: summary } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => ({ workspace: r.workspace, role: r.role }));
}
