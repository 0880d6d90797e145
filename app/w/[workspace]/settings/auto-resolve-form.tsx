"use client";
/** The auto-resolution rules: differences the sync engine settles itself, recorded as such. */
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { saveAutoResolveAction } from "./actions";

export function AutoResolveForm({ workspace, roundingMinor, dueDateFromSource, editable }: { workspace: string; roundingMinor: number; dueDateFromSource: boolean; editable: boolean }) {
  const [result, action] = useActionState(saveAutoResolveAction, null);
  const error = result && !result.ok ? result.error.fields?.roundingMinor?.[0] : undefined;
  return (
    <form action={action} className="mt-3 flex max-w-xl flex-col gap-4" data-testid="auto-resolve">
      <input type="hidden" name="workspace" value={workspace} />
      <div className="flex flex-col gap-1">
        <label htmlFor="auto-rounding" className="text-sm font-medium text-slate-800">
          Rounding: totals this close agree
        </label>
        <div className="flex items-center gap-2">
          <input
            id="auto-rounding"
            name="roundingMinor"
            type="number"
            min={0}
            max={100}
            step={1}
            inputMode="numeric"
            defaultValue={roundingMinor}
            disabled={!editable}
            aria-invalid={error ? true : undefined}
            aria-describedby="auto-rounding-help"
            className="w-24 rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
          />
          <span className="text-sm text-slate-600">of the currency&apos;s smallest unit (cents, pence, yen)</span>
        </div>
        <p id="auto-rounding-help" className="text-xs text-slate-500">
          0 turns it off. With 1, a total of 100.00 in one system and 100.01 in another is rounding: the source of truth&apos;s total stands, no conflict is raised, and payments go on. Each use is recorded in the audit trail.
        </p>
        {error ? (
          <p className="text-xs text-red-700" role="alert">
            {error}
          </p>
        ) : null}
      </div>
      <div className="flex items-start gap-2">
        <input id="auto-due" name="dueDateFromSource" type="checkbox" defaultChecked={dueDateFromSource} disabled={!editable} aria-describedby="auto-due-help" className="mt-1" />
        <div>
          <label htmlFor="auto-due" className="text-sm font-medium text-slate-800">
            A due date changed on both sides takes the source of truth&apos;s
          </label>
          <p id="auto-due-help" className="text-xs text-slate-500">
            Instead of a conflict, the header&apos;s source of truth wins and its due date is written to the others.
          </p>
        </div>
      </div>
      {editable ? (
        <div>
          <SubmitButton>Save auto-resolution rules</SubmitButton>
        </div>
      ) : (
        <p className="text-sm text-slate-600">Owners and admins can change these rules.</p>
      )}
      <FormMessage result={result} />
    </form>
  );
}
