import type { Metadata } from "next";
import { SimplePage } from "@/components/shell/simple-page";
import { requireUser } from "@/lib/auth/session";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireUser("/account");
  return (
    <SimplePage title="Your account">
      <p className="mb-6 text-sm text-slate-600">
        Signed in as <strong data-testid="account-email">{user.email}</strong>.
      </p>
      <h2 className="mb-3 text-lg font-semibold">Change password</h2>
      <ChangePasswordForm />
    </SimplePage>
  );
}
