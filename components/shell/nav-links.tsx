"use client";
/** The shell's primary navigation; marks the current section with aria-current, and counts open conflicts. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useOpenConflictCount } from "@/components/notifications/conflict-count";
import { SECTIONS, type Section } from "./sections";


export function NavLinks({ base, visible, openConflicts }: { base: string; visible: readonly Section[]; openConflicts?: number }) {
  const pathname = usePathname();
  const conflicts = useOpenConflictCount(base, openConflicts);
  return (
    <ul className="flex gap-1 md:flex-col">
      {SECTIONS.filter(({ segment }) => visible.includes(segment)).map(({ segment, label }) => {
        const href = `${base}/${segment}`;
        const current = pathname === href || pathname.startsWith(`${href}/`);
        const count = segment === "conflicts" ? conflicts : 0;
        return (
          <li key={segment}>
            <Link
              href={href}
              aria-current={current ? "page" : undefined}
              aria-label={count > 0 ? `${label}, ${count.toLocaleString("en-US")} open` : undefined}
              className={`block rounded-md px-3 py-2 text-sm font-medium ${
                current ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"
              }`}
            >
              {label}
              {count > 0 ? (
                <span aria-hidden="true" data-testid="conflicts-badge" className="ml-2 inline-block min-w-5 rounded-full bg-amber-100 px-1.5 text-center text-xs font-semibold text-amber-800">
                  {count > 999 ? "999+" : count}
                </span>
              ) : null}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
