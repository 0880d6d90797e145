/**
 * The demo's person and workspace, created by `npm run demo` (idempotent). The password is not
 * published: the launcher passes DEMO_PASSWORD or one it generated into the data directory, prints
 * it at every start, and this module makes sure it is the one that works. Safe to import from
 * pages (the sign-in page shows the email): nothing here touches the sandboxes.
 */
import { db, type Db } from "./db";
import { hashPassword, verifyPassword } from "./auth/password";
import type { WorkspaceSummary } from "./workspaces";

export const DEMO_USER = { email: "demo@example.com", name: "Dana Demo" } as const;
export const DEMO_WORKSPACE = { slug: "demo", name: "Demo" } as const;
/** The account earlier versions created with a published password: removed where it exists. */
const RETIRED_DEMO_EMAIL = "demo@concord.local";

export type DemoSetup = { workspace: WorkspaceSummary; userId: string; passwordReset: boolean };

/**
 * The demo person (OWNER of the demo workspace) with `password` working. A stored password that
 * differs is replaced, which also ends that person's other sessions.
 */
export async function ensureDemo(password: string, client: Db = db()): Promise<DemoSetup> {
  const existing = await client.user.findUnique({ where: { email: DEMO_USER.email }, select: { id: true, passwordHash: true } });
  // Hashing is slow; done outside the transaction so it holds no connection meanwhile.
  const stale = existing ? !existing.passwordHash || !(await verifyPassword(password, existing.passwordHash)) : true;
  const passwordHash = stale ? await hashPassword(password) : null;
  return client.$transaction(async (tx) => {
    await tx.user.deleteMany({ where: { email: RETIRED_DEMO_EMAIL } });
    const user = existing
      ? passwordHash
        ? await tx.user.update({ where: { id: existing.id }, data: { passwordHash, sessionVersion: { increment: 1 } }, select: { id: true } })
        : { id: existing.id }
      : await tx.user.create({ data: { email: DEMO_USER.email, name: DEMO_USER.name, passwordHash: passwordHash! }, select: { id: true } });
    const workspace = await tx.workspace.upsert({
      where: { slug: DEMO_WORKSPACE.slug },
      update: {},
      create: { ...DEMO_WORKSPACE },
      select: { id: true, name: true, slug: true },
    });
    await tx.membership.upsert({
      where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
      update: {},
      create: { workspaceId: workspace.id, userId: user.id, role: "OWNER" },
    });
    return { workspace, userId: user.id, passwordReset: !!existing && !!passwordHash };
  });
}

/**
 * Forgets the demo workspace and everything in it (connections, records, conflicts, audit trail),
 * for when the sandboxes it mirrors lost their state; `ensureDemo` then makes it anew.
 */
export async function dropDemoWorkspace(client: Db = db()): Promise<void> {
  await client.workspace.deleteMany({ where: { slug: DEMO_WORKSPACE.slug } });
}
