"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { createWorkspaceAction } from "./actions";

export function NewWorkspaceForm() {
  const [result, action] = useActionState(createWorkspaceAction, null);
  return (
    <form action={action} className="space-y-4 rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <FormMessage result={result} />
      <TextField name="name" label="Workspace name" result={result} />
      <SubmitButton>Create workspace</SubmitButton>
    </form>
  );
}
