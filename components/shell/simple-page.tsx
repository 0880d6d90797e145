import Link from "next/link";
import type { ReactNode } from "react";

/** Frame for signed-in pages outside a workspace (account, new workspace, invitations). */
export function SimplePage({ title, children, back = "/w" }: { title: string; children: ReactNode; back?: string }) {
  return (
    <main id="main" className="mx-auto max-w-xl px-6 py-12">
      <Link href={back} className="text-sm text-brand-700">← Back</Link>
      <h1 className="mt-4 text-2xl font-semibold tracking-tight">{title}</h1>
      <div className="mt-6">{children}</div>
    </main>
  );
}
