import type { Metadata } from "next";
import Link from "next/link";
import { SimplePage } from "@/components/shell/simple-page";
import { currentUser } from "@/lib/auth/session";
import { INVITATION_PROBLEMS, previewInvitation } from "@/lib/invitations";
import { AcceptInvitationForm } from "./accept-form";

export const metadata: Metadata = { title: "Invitation" };


export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const [invitation, user] = await Promise.all([previewInvitation(token), currentUser()]);
  if (invitation.state !== "valid") {
    return (
      <SimplePage title="Invitation" back="/">
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="invitation-problem">
          {INVITATION_PROBLEMS[invitation.state]}
        </p>
      </SimplePage>
    );
  }
  const here = `/invite/${token}`;
  return (
    <SimplePage title={`Join ${invitation.workspaceName}`} back="/">
      <p className="text-sm text-slate-700">
        {invitation.invitedBy} invited you to <strong>{invitation.workspaceName}</strong> as{" "}
        <strong>{invitation.role.toLowerCase()}</strong>
        {invitation.email ? <> (for {invitation.email})</> : null}.
      </p>
      <div className="mt-6">
        {user ? (
          <AcceptInvitationForm token={token} email={user.email} />
        ) : (
          <div className="flex gap-3">
            <Link href={`/sign-up?callbackUrl=${encodeURIComponent(here)}`} className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white">
              Create an account to join
            </Link>
            <Link href={`/sign-in?callbackUrl=${encodeURIComponent(here)}`} className="rounded-md px-4 py-2 text-sm font-semibold ring-1 ring-slate-300">
              Sign in
            </Link>
          </div>
        )}
      </div>
    </SimplePage>
  );
}
