"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { RoleSelect } from "@/components/forms/role-select";
import type { Role } from "@/lib/db/generated/enums";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export function CreateApiKeyForm({ workspace, roles }: { workspace: string; roles: readonly Role[] }) {
  const [result, action] = useActionState(createApiKeyAction, null);
  return (
    <form action={action} className="max-w-lg space-y-3 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <input type="hidden" name="workspace" value={workspace} />
      <TextField name="name" label="Name" result={result} hint="What will use it, e.g. “Nightly export”." />
      <div>
        <label htmlFor="key-role" className="block text-sm font-medium text-slate-800">Role</label>
        <RoleSelect id="key-role" roles={roles} defaultValue="VIEWER" className="mt-1" />
      </div>
      <SubmitButton>Create key</SubmitButton>
      <FormMessage result={result} />
      {result?.ok ? (
        <div>
          <label htmlFor="new-key" className="block text-sm font-medium text-slate-800">Your new key</label>
          <input id="new-key" readOnly value={result.data.key} data-testid="new-api-key" className="mt-1 w-full rounded-md border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
        </div>
      ) : null}
    </form>
  );
}

export function RevokeApiKeyButton({ workspace, apiKeyId, name }: { workspace: string; apiKeyId: string; name: string }) {
  const [result, action] = useActionState(revokeApiKeyAction, null);
  return (
    <form action={action} aria-label={`Revoke ${name}`}>
      <input type="hidden" name="workspace" value={workspace} />
      <input type="hidden" name="apiKeyId" value={apiKeyId} />
      <SubmitButton variant="danger">Revoke</SubmitButton>
      <FormMessage result={result?.ok === false ? result : null} />
    </form>
  );
}
