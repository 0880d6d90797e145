"use client";
/** Webhook deliveries that ran out of attempts, with the reason and a Retry. */
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { retryFailedAction } from "@/app/w/[workspace]/connections/actions";

export function FailedDeliveries({ workspace, connectionId, count, lastError, manage }: { workspace: string; connectionId: string; count: number; lastError: string | null; manage: boolean }) {
  const [result, action] = useActionState(retryFailedAction, null);
  return (
    <div role="status" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900" data-testid="failed-deliveries">
      <p>
        {count} webhook deliver{count === 1 ? "y" : "ies"} failed after every retry{lastError ? `: ${lastError}` : "."}
      </p>
      {manage ? (
        <form action={action} className="mt-2">
          <input type="hidden" name="workspace" value={workspace} />
          <input type="hidden" name="connectionId" value={connectionId} />
          <SubmitButton variant="plain">Retry</SubmitButton>
          <FormMessage result={result} />
        </form>
      ) : null}
    </div>
  );
}
