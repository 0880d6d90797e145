"use client";
import { useActionState, useState } from "react";
import { FormMessage, SubmitButton, TextField } from "@/components/forms/fields";
import { RoleSelect } from "@/components/forms/role-select";
import type { Role } from "@/lib/db/generated/enums";
import { changeRoleAction, inviteMemberAction, removeMemberAction, revokeInvitationAction } from "./actions";

export function InviteForm({ workspace, roles }: { workspace: string; roles: readonly Role[] }) {
  const [result, action] = useActionState(inviteMemberAction, null);
  const [copied, setCopied] = useState(false);
  const link = result?.ok ? result.data.url : null;
  return (
    <form action={action} className="mt-3 max-w-lg space-y-3 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <input type="hidden" name="workspace" value={workspace} />
      <TextField name="email" label="Email (optional)" type="email" required={false} result={result} hint="With an email, only that person can accept; without, anyone with the link can." />
      <div>
        <label htmlFor="invite-role" className="block text-sm font-medium text-slate-800">Role</label>
        <RoleSelect id="invite-role" roles={roles} defaultValue="MEMBER" />
      </div>
      <SubmitButton>Create invitation</SubmitButton>
      <FormMessage result={result} />
      {link ? (
        <div className="flex gap-2">
          <label htmlFor="invite-link" className="sr-only">Invitation link</label>
          <input id="invite-link" readOnly value={link} data-testid="invite-link" className="flex-1 rounded-md border border-slate-300 bg-slate-50 px-2 py-1.5 font-mono text-xs" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="rounded-md px-3 py-1.5 text-sm ring-1 ring-slate-300" onClick={() => navigator.clipboard?.writeText(link).then(() => setCopied(true))}>
            {copied ? "Copied" : "Copy"}
          </button>
        </div>
      ) : null}
    </form>
  );
}

export function MemberControls({ workspace, membershipId, role, roles, label }: { workspace: string; membershipId: string; role: Role; roles: readonly Role[]; label: string }) {
  const [changeResult, change] = useActionState(changeRoleAction, null);
  const [removeResult, remove] = useActionState(removeMemberAction, null);
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <form action={change} className="flex items-center gap-2">
        <input type="hidden" name="workspace" value={workspace} />
        <input type="hidden" name="membershipId" value={membershipId} />
        <label htmlFor={`role-${membershipId}`} className="sr-only">Role of {label}</label>
        <RoleSelect id={`role-${membershipId}`} roles={roles.includes(role) ? roles : [role, ...roles]} defaultValue={role} />
        <SubmitButton variant="plain">Change role</SubmitButton>
      </form>
      <form action={remove}>
        <input type="hidden" name="workspace" value={workspace} />
        <input type="hidden" name="membershipId" value={membershipId} />
        <SubmitButton variant="danger">Remove</SubmitButton>
      </form>
      <div className="basis-full text-left">
        <FormMessage result={changeResult?.ok === false ? changeResult : removeResult?.ok === false ? removeResult : null} testId={`member-message-${label}`} />
      </div>
    </div>
  );
}

export function RevokeInvitationButton({ workspace, invitationId }: { workspace: string; invitationId: string }) {
  const [result, action] = useActionState(revokeInvitationAction, null);
  return (
    <form action={action}>
      <input type="hidden" name="workspace" value={workspace} />
      <input type="hidden" name="invitationId" value={invitationId} />
      <SubmitButton variant="plain">Withdraw</SubmitButton>
      <FormMessage result={result?.ok === false ? result : null} />
    </form>
  );
}
