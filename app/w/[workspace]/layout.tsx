import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { NavLinks } from "@/components/shell/nav-links";
import { findWorkspaceBySlug } from "@/lib/workspaces";

export default async function WorkspaceLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ workspace: string }>;
}) {
  const { workspace: slug } = await params;
  const workspace = await findWorkspaceBySlug(slug);
  if (!workspace) notFound();
  const base = `/w/${workspace.slug}`;

  return (
    <div className="min-h-screen md:flex">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:m-2 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <aside className="border-b border-slate-200 bg-white md:w-56 md:border-r md:border-b-0">
        <div className="flex items-center justify-between px-4 py-4 md:block">
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Concord
          </Link>
          <p className="text-sm text-slate-500 md:mt-1" data-testid="workspace-name">
            {workspace.name}
          </p>
        </div>
        <nav aria-label="Workspace" className="overflow-x-auto px-2 pb-3">
          <NavLinks base={base} />
        </nav>
      </aside>
      <main id="main" className="flex-1 px-6 py-8 md:px-10">
        {children}
      </main>
    </div>
  );
}
