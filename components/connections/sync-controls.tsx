"use client";
/** "Sync now", the latest run's state, and a live view while a run is going. */
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { FormMessage, SubmitButton } from "@/components/forms/fields";
import { syncNowAction } from "@/app/w/[workspace]/connections/actions";

export type RunSummary = { kind: string; status: string; processed: number; error: string | null } | null;

export function SyncControls({ workspace, connectionId, run, manage }: { workspace: string; connectionId: string; run: RunSummary; manage: boolean }) {
  const [result, action] = useActionState(syncNowAction, null);
  const router = useRouter();
  const running = run?.status === "RUNNING" || (result?.ok ?? false);
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 1500);
    return () => clearInterval(timer);
  }, [running, router]);

  return (
    <div className="mt-3 space-y-2" data-testid="sync-controls">
      {run ? (
        run.status === "RUNNING" ? (
          <div>
            <p className="text-sm text-slate-700" data-testid="sync-state">
              {run.kind === "BACKFILL" ? "First full sync" : "Sync"} running: {run.processed} records so far
            </p>
            <div role="progressbar" aria-label="Sync progress" aria-busy="true" className="mt-1 h-1.5 overflow-hidden rounded bg-slate-100">
              <div className="h-full w-1/3 animate-pulse rounded bg-brand-600" />
            </div>
          </div>
        ) : (
          <p className="text-sm text-slate-600" data-testid="sync-state">
            Last sync {run.status === "SUCCEEDED" ? "succeeded" : run.status === "FAILED" ? "failed" : run.status.toLowerCase()}: {run.processed} records
            {run.error ? <span className="block text-amber-900">{run.error}</span> : null}
          </p>
        )
      ) : (
        <p className="text-sm text-slate-600" data-testid="sync-state">Not synced yet.</p>
      )}
      {manage ? (
        <form action={action}>
          <input type="hidden" name="workspace" value={workspace} />
          <input type="hidden" name="connectionId" value={connectionId} />
          <SubmitButton variant="plain">Sync now</SubmitButton>
          <FormMessage result={result?.ok === false ? result : null} />
        </form>
      ) : null}
    </div>
  );
}
