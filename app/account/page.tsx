import type { Metadata } from "next";
import { SimplePage } from "@/components/shell/simple-page";
import { requireUser } from "@/lib/auth/session";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ password?: string }> }) {
  const user = await requireUser("/account");
  const changed = (await searchParams).password === "changed";
  return (
    <SimplePage title="Your account">
      <p className="mb-6 text-sm text-slate-600">
        Signed in as <strong data-testid="account-email">{user.email}</strong>.
      </p>
      {changed ? (
        <p role="status" data-testid="password-changed" className="mb-6 rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          Password changed. Other sessions have been signed out.
        </p>
      ) : null}
      <h2 className="mb-3 text-lg font-semibold">Change password</h2>
      <ChangePasswordForm />
    </SimplePage>
  );
}
