"use client";
/** Work that failed after every retry (webhook deliveries, pushes), with the reason and a Retry. */
import { useActionState } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { retryFailedAction, retryFailedPushesAction } from "@/app/w/[workspace]/connections/actions";

const KINDS = {
  deliveries: { action: retryFailedAction, testId: "failed-deliveries", text: (n: number) => `${n} webhook deliver${n === 1 ? "y" : "ies"} failed after every retry` },
  pushes: { action: retryFailedPushesAction, testId: "failed-pushes", text: (n: number) => `${n} change${n === 1 ? "" : "s"} could not be written to this system` },
} as const;

export function FailedWork({ kind, workspace, connectionId, count, lastError, manage }: { kind: keyof typeof KINDS; workspace: string; connectionId: string; count: number; lastError: string | null; manage: boolean }) {
  const { action: retry, testId, text } = KINDS[kind];
  const [result, action] = useActionState(retry, null);
  return (
    <div role="status" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-900" data-testid={testId}>
      <p>
        {text(count)}
        {lastError ? `: ${lastError}` : "."}
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
