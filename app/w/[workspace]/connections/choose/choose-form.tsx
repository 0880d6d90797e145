"use client";
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import type { AccountIdentity } from "@/lib/connectors/types";
import { chooseAccountAction } from "../actions";

export function ChooseAccountForm({ workspace, flowId, accounts }: { workspace: string; flowId: string; accounts: AccountIdentity[] }) {
  const [result, action] = useActionState(chooseAccountAction, null);
  return (
    <form action={action} className="max-w-lg space-y-4 rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <input type="hidden" name="workspace" value={workspace} />
      <input type="hidden" name="flowId" value={flowId} />
      <fieldset>
        <legend className="text-sm font-medium">Organisation</legend>
        <div className="mt-2 space-y-2">
          {accounts.map((a, i) => (
            <label key={a.externalAccountId} className="flex items-center gap-2 text-sm">
              <input type="radio" name="account" value={a.externalAccountId} defaultChecked={i === 0} />
              {a.displayName} <span className="text-xs text-slate-500">{a.externalAccountId}</span>
            </label>
          ))}
        </div>
      </fieldset>
      <SubmitButton>Connect this organisation</SubmitButton>
      <FormMessage result={result} />
    </form>
  );
}
