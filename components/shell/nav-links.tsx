"use client";
/** The shell's primary navigation; marks the current section with aria-current. */
import Link from "next/link";
import { usePathname } from "next/navigation";
import { SECTIONS, type Section } from "./sections";


export function NavLinks({ base, visible }: { base: string; visible: readonly Section[] }) {
  const pathname = usePathname();
  return (
    <ul className="flex gap-1 md:flex-col">
      {SECTIONS.filter(({ segment }) => visible.includes(segment)).map(({ segment, label }) => {
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
