import Link from "next/link";
import type { Membership } from "@/lib/workspaces";

/** A disclosure listing the person's workspaces; plain links, so it works from the keyboard without script. */
export function WorkspaceSwitcher({ current, workspaces }: { current: { name: string; slug: string }; workspaces: Membership[] }) {
  return (
    <details className="group relative">
      <summary
        className="flex cursor-pointer list-none items-center justify-between gap-2 rounded-md px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
        aria-label={`Workspace: ${current.name}. Switch workspace`}
        data-testid="workspace-switcher"
      >
        <span data-testid="workspace-name" className="truncate font-medium">
          {current.name}
        </span>
        <span aria-hidden className="text-slate-400 group-open:rotate-180">
          ▾
        </span>
      </summary>
      <ul className="absolute z-10 mt-1 w-60 rounded-md bg-white py-1 shadow-lg ring-1 ring-slate-200" aria-label="Your workspaces">
        {workspaces.map(({ workspace, role }) => (
          <li key={workspace.slug}>
            <Link
              href={`/w/${workspace.slug}/invoices`}
              aria-current={workspace.slug === current.slug ? "true" : undefined}
              className="flex justify-between px-3 py-2 text-sm hover:bg-slate-50 aria-[current=true]:font-semibold"
            >
              <span className="truncate">{workspace.name}</span>
              <span className="text-xs text-slate-500">{role.toLowerCase()}</span>
            </Link>
          </li>
        ))}
        <li className="border-t border-slate-100">
          <Link href="/workspaces/new" className="block px-3 py-2 text-sm text-brand-700 hover:bg-slate-50">
            New workspace…
          </Link>
        </li>
      </ul>
    </details>
  );
}
