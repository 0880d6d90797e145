"use client";
/** The history the sync rules have not been applied to yet, and the button that applies them. */
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { catchUpHistoryAction } from "@/app/w/[workspace]/connections/actions";

export function CatchUpHistory({ workspace, backlog, manage }: { workspace: string; backlog: number; manage: boolean }) {
  const [result, action] = useActionState(catchUpHistoryAction, null);
  return (
    <section className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" aria-labelledby="history-heading" data-testid="catch-up-history">
      <h2 id="history-heading" className="font-semibold">
        History
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {backlog.toLocaleString()} invoice{backlog === 1 ? "" : "s"} already disagreed when Concord first pulled them. Concord leaves history alone until you ask; what the rules cannot settle is in the conflict inbox.
      </p>
      {manage ? (
        <form action={action} className="mt-3">
          <input type="hidden" name="workspace" value={workspace} />
          <SubmitButton>Apply the sync rules to them</SubmitButton>
          <FormMessage result={result} />
        </form>
      ) : null}
    </section>
  );
}
