"use client";
/**
 * Bulk decisions on the selected conflicts: ignore them all with one reason, or take one
 * system's value for each. Each conflict is decided on its own (with the version seen), so the
 * answer lists every one: done, or why not.
 */
import { useId, useState } from "react";
import type { BulkResult, ConflictView } from "@/lib/conflicts/schemas";
import { bulkResolveAction } from "@/app/w/[workspace]/conflicts/actions";
import { possessive } from "./format";

export type ConnectionOption = { id: string; system: string; label: string };
type Announce = (ok: boolean, text: string) => void;

const button = "rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 disabled:opacity-60";
const primary = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 disabled:opacity-60";
const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm aria-invalid:border-red-500";

export function BulkBar({ workspace, selected, connections, onDone, announce }: { workspace: string; selected: ConflictView[]; connections: ConnectionOption[]; onDone: (succeeded: string[]) => void; announce: Announce }) {
  const id = useId();
  const [ignoring, setIgnoring] = useState(false);
  const [source, setSource] = useState("");
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [results, setResults] = useState<{ rows: (BulkResult["data"][number] & { label: string })[]; message: string } | null>(null);
  const chosen = connections.find((c) => c.id === source) ?? connections[0] ?? null;

  const run = async (input: { action: "ignore"; reason: string } | { action: "take"; source: string }) => {
    setPending(true);
    try {
      const items = selected.map((c) => ({ id: c.id, version: c.version }));
      const result = await bulkResolveAction(null, { workspace, ...input, items });
      if (!result.ok) {
        setErrors(result.error.fields ?? {});
        announce(false, result.error.message);
        return;
      }
      setErrors({});
      setIgnoring(false);
      const label = new Map(selected.map((c) => [c.id, c.invoice?.number ?? c.customer?.name ?? c.id]));
      setResults({ rows: result.data.data.map((r) => ({ ...r, label: label.get(r.id) ?? r.id })), message: result.message ?? "" });
      announce(result.data.data.every((r) => r.ok), result.message ?? "Done.");
      onDone(result.data.data.filter((r) => r.ok).map((r) => r.id));
    } catch {
      announce(false, "Could not reach Concord. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  };

  if (selected.length === 0 && !results) return null;
  return (
    <section aria-label="Bulk decisions" className="sticky top-0 z-10 space-y-2 rounded-lg border border-brand-200 bg-brand-50/95 p-3 text-sm shadow-sm" data-testid="bulk-bar">
      {selected.length > 0 ? (
        <div className="flex flex-wrap items-end gap-2">
          <p className="mr-2 self-center font-semibold text-slate-900" data-testid="bulk-count">
            {selected.length} selected
          </p>
          {ignoring ? (
            <form
              noValidate
              className="flex flex-wrap items-end gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                void run({ action: "ignore", reason: String(new FormData(e.currentTarget).get("reason") ?? "") });
              }}
            >
              <div className="flex flex-col">
                <label htmlFor={`${id}-reason`} className="text-xs font-medium text-slate-600">
                  Reason for ignoring them
                </label>
                <input
                  id={`${id}-reason`}
                  name="reason"
                  autoFocus
                  maxLength={500}
                  className={`${field} w-72`}
                  aria-invalid={errors.reason ? true : undefined}
                  aria-describedby={errors.reason ? `${id}-reason-error` : undefined}
                />
                {errors.reason ? (
                  <p id={`${id}-reason-error`} className="mt-1 text-sm text-red-700" data-testid="field-error">
                    {errors.reason.join(" ")}
                  </p>
                ) : null}
              </div>
              <button type="submit" className={primary} disabled={pending}>
                {pending ? "Working…" : `Ignore ${selected.length}`}
              </button>
              <button type="button" className={button} onClick={() => setIgnoring(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" className={button} onClick={() => setIgnoring(true)} disabled={pending}>
              Ignore…
            </button>
          )}
          {connections.length && !ignoring ? (
            <div className="flex items-end gap-2">
              <div className="flex flex-col">
                <label htmlFor={`${id}-source`} className="text-xs font-medium text-slate-600">
                  Take the value from
                </label>
                <select id={`${id}-source`} value={chosen?.id ?? ""} onChange={(e) => setSource(e.target.value)} className={field}>
                  {connections.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.label}
                    </option>
                  ))}
                </select>
              </div>
              <button type="button" className={button} disabled={pending || !chosen} onClick={() => chosen && void run({ action: "take", source: chosen.id })}>
                {chosen ? `Take ${possessive(chosen.label.split(" · ")[0]!)} value` : "Take"}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
      {results ? (
        <div data-testid="bulk-results">
          <div className="flex items-center justify-between gap-2">
            <p className="font-medium text-slate-900">{results.message}</p>
            <button type="button" className="text-sm text-brand-700 underline" onClick={() => setResults(null)}>
              Dismiss
            </button>
          </div>
          <ul className="mt-1 space-y-0.5">
            {results.rows.map((r) => (
              <li key={r.id} data-testid="bulk-result" data-ok={r.ok} className={r.ok ? "text-emerald-900" : "text-red-800"}>
                <span aria-hidden>{r.ok ? "✓ " : "✗ "}</span>
                {r.label}: {r.ok ? "done" : r.error?.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
