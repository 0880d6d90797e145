"use client";
/** The shell's primary navigation; marks the current section with aria-current. */
import Link from "next/link";
import { usePathname } from "next/navigation";

export const SECTIONS = [
  { segment: "invoices", label: "Timeline" },
  { segment: "conflicts", label: "Conflicts" },
  { segment: "audit", label: "Audit" },
  { segment: "connections", label: "Connections" },
  { segment: "settings", label: "Settings" },
] as const;

export function NavLinks({ base }: { base: string }) {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1 md:flex-col">
      {SECTIONS.map(({ segment, label }) => {
        const href = `${base}/${segment}`;
        const current = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <li key={segment}>
            <Link
              href={href}
              aria-current={current ? "page" : undefined}
              className={`block rounded-md px-3 py-2 text-sm font-medium ${
                current ? "bg-brand-50 text-brand-700" : "text-slate-700 hover:bg-slate-100"
              }`}
            >
              {label}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
