import Link from "next/link";
import { signOutAction } from "@/app/(auth)/actions";

export function UserMenu({ email }: { email: string }) {
  return (
    <div className="flex items-center gap-2 text-sm md:mt-auto md:flex-col md:items-stretch md:border-t md:border-slate-200 md:p-3">
      <Link href="/account" className="truncate text-slate-600 hover:text-slate-900" data-testid="user-email">
        {email}
      </Link>
      <form action={signOutAction}>
        <button type="submit" className="rounded-md px-2 py-1 text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50 md:w-full">
          Sign out
        </button>
      </form>
    </div>
  );
}
