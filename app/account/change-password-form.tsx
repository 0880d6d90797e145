"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { changePasswordAction } from "./actions";

export function ChangePasswordForm() {
  const [result, action] = useActionState(changePasswordAction, null);
  return (
    <form action={action} className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" noValidate>
      <FormMessage result={result} />
      <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" result={result} />
      <TextField name="newPassword" label="New password" type="password" autoComplete="new-password" result={result} hint="At least 10 characters." />
      <SubmitButton>Change password</SubmitButton>
    </form>
  );
}
