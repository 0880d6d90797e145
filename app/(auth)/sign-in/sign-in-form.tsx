"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { signInAction } from "../actions";

export function SignInForm({ callbackUrl, demoEmail }: { callbackUrl?: string; demoEmail?: string }) {
  const [result, action] = useActionState(signInAction, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <FormMessage result={result} />
      <TextField name="email" label="Email" type="email" autoComplete="email" result={result} defaultValue={demoEmail} />
      <TextField name="password" label="Password" type="password" autoComplete="current-password" result={result} />
      <SubmitButton>Sign in</SubmitButton>
    </form>
  );
}
