import Link from "next/link";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/shell/nav-links";
import { SECTIONS } from "@/components/shell/sections";
import { UserMenu } from "@/components/shell/user-menu";
import { WorkspaceSwitcher } from "@/components/shell/workspace-switcher";
import { workspacePage } from "@/lib/auth/workspace-page";
import { can } from "@/lib/authz/permissions";
import { openConflictCount } from "@/lib/notifications/count";
import { workspacesOf } from "@/lib/workspaces";

export default async function WorkspaceLayout({ children, params }: { children: ReactNode; params: Promise<{ workspace: string }> }) {
  const { workspace: slug } = await params;
  const ctx = await workspacePage(slug, "workspace:view");
  const [workspaces, openConflicts] = await Promise.all([workspacesOf(ctx.actor.id!), openConflictCount(ctx)]);
  const base = `/w/${ctx.workspace.slug}`;
  const visible = SECTIONS.map((s) => s.segment).filter((s) => s !== "audit" || can(ctx.role, "audit:view"));

  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="flex flex-col border-b border-slate-200 bg-white md:min-h-screen md:w-60 md:border-r md:border-b-0">
        <div className="space-y-2 px-3 py-4">
          <Link href="/" className="px-2 text-lg font-semibold tracking-tight">
            Concord
          </Link>
          <WorkspaceSwitcher current={ctx.workspace} workspaces={workspaces} />
          <p className="px-2 text-xs text-slate-500" data-testid="current-role">
            Your role: {ctx.role.toLowerCase()}
          </p>
        </div>
        <nav aria-label="Workspace" className="overflow-x-auto px-2 pb-3">
          <NavLinks base={base} visible={visible} openConflicts={openConflicts} />
        </nav>
        <UserMenu email={ctx.actor.label} />
      </aside>
      <main id="main" className="flex-1 px-6 py-8 md:px-10">
        {children}
      </main>
    </div>
  );
}
