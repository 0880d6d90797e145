import type { ConnectionView } from "@/lib/connections/manage";
import { DisconnectButton } from "./disconnect-button";
import { SyncControls, type RunSummary } from "./sync-controls";
import { FailedWork } from "./failed-work";

const STATUS: Record<ConnectionView["status"], { text: string; style: string }> = {
  ACTIVE: { text: "Connected", style: "bg-emerald-50 text-emerald-800 ring-emerald-200" },
  NEEDS_REAUTH: { text: "Needs reconnecting", style: "bg-amber-50 text-amber-900 ring-amber-200" },
  DISCONNECTED: { text: "Disconnected", style: "bg-slate-100 text-slate-700 ring-slate-200" },
  ERROR: { text: "Error", style: "bg-red-50 text-red-800 ring-red-200" },
};

function when(date: Date | null): string {
  return date ? date.toISOString().replace("T", " ").slice(0, 16) + " UTC" : "never";
}

export function ConnectionCard({
  connection: c,
  label,
  workspace,
  manage,
  run,
  failed,
  failedPushes,
}: {
  connection: ConnectionView;
  label: string;
  workspace: string;
  manage: boolean;
  run: RunSummary;
  failed?: { count: number; lastError: string | null };
  failedPushes?: { count: number; lastError: string | null };
}) {
  const status = STATUS[c.status];
  return (
    <li className="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid={`connection-${c.provider}`}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h3 className="font-semibold">
            {label} · <span data-testid="connection-account">{c.displayName}</span>
          </h3>
          <p className="text-xs text-slate-500">{c.externalAccountId}</p>
        </div>
        <span className={`rounded-full px-2.5 py-0.5 text-xs font-medium ring-1 ${status.style}`} data-testid="connection-status">
          {status.text}
        </span>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-2 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-slate-500">Last successful sync</dt>
          <dd>{when(c.lastSyncedAt)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Last webhook</dt>
          <dd data-testid="connection-last-webhook">{when(c.lastWebhookAt)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Connected since</dt>
          <dd>{when(c.createdAt)}</dd>
        </div>
      </dl>
      {c.lastError ? (
        <p className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="connection-error">
          {c.lastError}
        </p>
      ) : null}
      {failed ? <FailedWork kind="deliveries" workspace={workspace} connectionId={c.id} count={failed.count} lastError={failed.lastError} manage={manage} /> : null}
      {failedPushes ? <FailedWork kind="pushes" workspace={workspace} connectionId={c.id} count={failedPushes.count} lastError={failedPushes.lastError} manage={manage} /> : null}
      {c.status === "ACTIVE" ? <SyncControls workspace={workspace} connectionId={c.id} run={run} manage={manage} /> : null}
      {manage ? (
        <div className="mt-4 flex gap-2">
          {c.status !== "ACTIVE" ? (
            <a href={`/w/${workspace}/connections/${c.provider}/connect?reconnect=${c.id}`} className="rounded-md bg-brand-600 px-3 py-2 text-sm font-semibold text-white hover:bg-brand-700">
              Reconnect
            </a>
          ) : null}
          {c.status !== "DISCONNECTED" ? <DisconnectButton workspace={workspace} connectionId={c.id} label={label} /> : null}
        </div>
      ) : null}
    </li>
  );
}
