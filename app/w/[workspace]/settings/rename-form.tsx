"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { renameWorkspaceAction } from "./actions";

export function RenameWorkspaceForm({ workspace, name }: { workspace: string; name: string }) {
  const [result, action] = useActionState(renameWorkspaceAction, null);
  return (
    <form action={action} className="mt-3 flex max-w-md flex-col gap-3">
      <input type="hidden" name="workspace" value={workspace} />
      <TextField name="name" label="Name" defaultValue={name} result={result} />
      <div>
        <SubmitButton>Rename</SubmitButton>
      </div>
      <FormMessage result={result} />
    </form>
  );
}
