"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { acceptInvitationAction } from "./actions";

export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const [result, action] = useActionState(acceptInvitationAction, null);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      <p className="text-sm text-slate-600">You are signed in as {email}.</p>
      <SubmitButton>Accept invitation</SubmitButton>
      <FormMessage result={result} />
    </form>
  );
}
