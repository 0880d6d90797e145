/** The demo's account and workspace, created by `npm run demo` (idempotent). */
import { db, type Db } from "./db";
import { hashPassword } from "./auth/password";
import type { WorkspaceSummary } from "./workspaces";

export const DEMO_ACCOUNT = { email: "demo@concord.local", password: "concord-demo", name: "Dana Demo" } as const;

export async function ensureDemo(client: Db = db()): Promise<WorkspaceSummary> {
  return client.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: DEMO_ACCOUNT.email }, select: { id: true } });
    const user =
      existing ??
      (await tx.user.create({
        data: { email: DEMO_ACCOUNT.email, name: DEMO_ACCOUNT.name, passwordHash: await hashPassword(DEMO_ACCOUNT.password) },
        select: { id: true },
      }));
    const workspace = await tx.workspace.upsert({
      where: { slug: "demo" },
      update: {},
      create: { slug: "demo", name: "Demo" },
      select: { id: true, name: true, slug: true },
    });
    await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
      update: {},
      create: { workspaceId: workspace.id, userId: user.id, role: "OWNER" },
    });
    return workspace;
  });
}
