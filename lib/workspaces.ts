/** Workspaces: lookup by slug and the demo workspace. Every other query takes a workspace id. */
import { db, type Db } from "./db";

export type WorkspaceSummary = { id: string; name: string; slug: string };

const summary = { id: true, name: true, slug: true } as const;

export async function findWorkspaceBySlug(slug: string, client: Db = db()): Promise<WorkspaceSummary | null> {
  return client.workspace.findUnique({ where: { slug }, select: summary });
}

/** Creates the demo workspace if it is missing; running it twice changes nothing. */
export async function ensureDemoWorkspace(client: Db = db()): Promise<WorkspaceSummary> {
  return client.workspace.upsert({ where: { slug: "demo" }, update: {}, create: { slug: "demo", name: "Demo" }, select: summary });
}
