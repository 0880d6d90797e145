"use client";
/** "Verify integrity": runs the server-side chain check and says whether the trail is intact or where it first breaks. */
import { useQueryClient } from "@tanstack/react-query";
import { useActionState, useEffect } from "react";
import { SubmitButton } from "@/components/forms/fields";
import { verifyAuditAction } from "@/app/w/[workspace]/audit/actions";

export function VerifyIntegrity({ workspace }: { workspace: string }) {
  const [result, action] = useActionState(verifyAuditAction, null);
  const client = useQueryClient();
  // The check is itself an entry: show it in the list.
  useEffect(() => {
    if (result?.ok) void client.invalidateQueries({ queryKey: ["audit", workspace] });
  }, [result, client, workspace]);

  return (
    <form action={action} className="space-y-2" data-testid="verify-integrity">
      <input type="hidden" name="workspace" value={workspace} />
      <SubmitButton variant="plain">Verify integrity</SubmitButton>
      <div aria-live="polite">
        {result && !result.ok ? (
          <p role="alert" data-testid="verify-result" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {result.error.message}
          </p>
        ) : null}
        {result?.ok && result.data.ok ? (
          <p role="status" data-testid="verify-result" data-intact="true" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
            {result.message}
          </p>
        ) : null}
        {result?.ok && !result.data.ok && result.data.firstBroken ? (
          <div role="status" data-testid="verify-result" data-intact="false" className="max-w-2xl rounded-md bg-red-50 px-3 py-2 text-sm text-red-900">
            <p className="font-semibold">{result.message}</p>
            <p className="mt-1" data-testid="verify-first-broken">
              First broken link: entry #{result.data.firstBroken.id}, written {new Date(result.data.firstBroken.at).toLocaleString()}. {result.data.firstBroken.reason}
            </p>
          </div>
        ) : null}
      </div>
    </form>
  );
}
