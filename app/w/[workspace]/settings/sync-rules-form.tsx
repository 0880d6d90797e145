"use client";
/** Which system wins each field group: one select per group, saved together. */
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { saveSyncRulesAction } from "./actions";

type Group = { id: string; label: string; help: string };
const LABELS: Record<string, string> = { STRIPE: "Stripe", QUICKBOOKS: "QuickBooks Online", XERO: "Xero", HUBSPOT: "HubSpot" };

export function SyncRulesForm({ workspace, groups, winners, providers, editable }: { workspace: string; groups: Group[]; winners: Record<string, string>; providers: string[]; editable: boolean }) {
  const [result, action] = useActionState(saveSyncRulesAction, null);
  return (
    <form action={action} className="mt-3 flex max-w-xl flex-col gap-4" data-testid="sync-rules">
      <input type="hidden" name="workspace" value={workspace} />
      {groups.map((g) => (
        <div key={g.id} className="flex flex-col gap-1">
          <label htmlFor={`rule-${g.id}`} className="text-sm font-medium text-slate-800">
            {g.label}
          </label>
          <select id={`rule-${g.id}`} name={g.id} defaultValue={winners[g.id]} disabled={!editable} aria-describedby={`rule-${g.id}-help`} className="max-w-xs rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm">
            {providers.map((p) => (
              <option key={p} value={p}>
                {LABELS[p] ?? p} wins
              </option>
            ))}
          </select>
          <p id={`rule-${g.id}-help`} className="text-xs text-slate-500">
            {g.help} The others follow in the usual order when it does not hold an invoice.
          </p>
        </div>
      ))}
      {editable ? (
        <div>
          <SubmitButton>Save rules</SubmitButton>
        </div>
      ) : (
        <p className="text-sm text-slate-600">Owners and admins can change these rules.</p>
      )}
      <FormMessage result={result} />
    </form>
  );
}
