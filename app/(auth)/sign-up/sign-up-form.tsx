"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { signUpAction } from "../actions";

export function SignUpForm({ callbackUrl }: { callbackUrl?: string }) {
  const [result, action] = useActionState(signUpAction, null);
  return (
    <form action={action} className="space-y-4" noValidate>
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <FormMessage result={result} />
      <TextField name="name" label="Your name" autoComplete="name" result={result} />
      <TextField name="email" label="Work email" type="email" autoComplete="email" result={result} />
      <TextField name="password" label="Password" type="password" autoComplete="new-password" result={result} hint="At least 10 characters." />
      <SubmitButton>Create account</SubmitButton>
    </form>
  );
}
