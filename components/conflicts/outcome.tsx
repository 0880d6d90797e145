/**
 * What became of a decided conflict: who decided what and when, and how the sync engine carried
 * it to the other systems: writing, done (with what some systems could not take), or failed with
 * the reason and the way to the Connections page, where Retry lives.
 */
import Link from "next/link";
import type { ConflictView } from "@/lib/conflicts/schemas";
import { systemName } from "./format";

const VERB: Record<string, string> = {
  take: "Decided",
  enter: "Value entered",
  merge: "Merged",
  confirm: "Match confirmed",
  reject: "Kept apart",
  ignore: "Ignored",
  reopen: "Reopened",
  auto: "Settled by a rule",
};

function when(iso: string | null): React.ReactNode {
  if (!iso) return null;
  return (
    <>
      {" "}
      on <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>
    </>
  );
}

export function Outcome({ conflict, workspace }: { conflict: ConflictView; workspace: string }) {
  const { resolution, push } = conflict;
  if (conflict.status === "OPEN" || !resolution) return null;
  return (
    <div className="space-y-2 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm" data-testid="conflict-outcome">
      <p className="text-slate-700" data-testid="decided-by">
        <span className="font-semibold">{VERB[resolution.action] ?? "Decided"}</span>
        {resolution.rule ? <> ({resolution.rule.replace(/_/g, " ")})</> : null}
        {resolution.by ? <> by {resolution.by}</> : null}
        {when(conflict.resolvedAt)}
      </p>
      {resolution.reason ? (
        <p className="text-slate-700" data-testid="ignore-reason">
          Reason: {resolution.reason}
        </p>
      ) : null}
      {push ? <PushState push={push} workspace={workspace} /> : null}
    </div>
  );
}

function PushState({ push, workspace }: { push: NonNullable<ConflictView["push"]>; workspace: string }) {
  return (
    <div data-testid="push-outcome" data-state={push.state}>
      {push.state === "pending" ? (
        <p className="flex items-center gap-2 text-slate-700">
          <span aria-hidden className="inline-block h-2 w-2 animate-pulse rounded-full bg-sky-500" />
          Writing to the other systems…
        </p>
      ) : push.state === "done" ? (
        <p className="font-semibold text-emerald-800">
          <span aria-hidden>✓ </span>Done
        </p>
      ) : (
        <p className="text-red-800">
          <span aria-hidden>✗ </span>
          <span className="font-semibold">Failed:</span> {push.error ?? "a write was refused"}.{" "}
          <Link href={`/w/${workspace}/connections`} className="underline">
            Retry it on the Connections page
          </Link>
        </p>
      )}
      {push.notes.length ? (
        <ul className="mt-1 list-disc pl-5 text-slate-600" data-testid="push-notes">
          {push.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      ) : null}
      {push.pushes.length ? (
        <ul className="mt-1 space-y-0.5 text-xs text-slate-600" aria-label="Writes to the other systems">
          {push.pushes.map((p, i) => (
            <li key={`${p.at}:${i}`} data-testid="push-entry" data-ok={p.ok}>
              {p.ok ? "✓" : "✗"} {systemName(p.system)}: {p.action.replace(/_/g, " ")}
              {p.ok ? "" : ` failed (${p.error ?? "no reason given"})`}, <time dateTime={p.at}>{new Date(p.at).toLocaleTimeString()}</time>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
