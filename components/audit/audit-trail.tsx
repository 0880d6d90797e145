"use client";
/**
 * The audit trail page: filters kept in the URL (shareable, back-button friendly), entries newest
 * first a page at a time ("Load more" follows the cursor), each expandable to its before/after,
 * with links to the invoice it concerns and to the other entries of its run. "Export CSV" takes
 * the same filters. Keyboard: / focuses search, j/k or the arrows move between entries.
 */
import { EmptyState } from "@/components/empty-state";
import { useFilterParams, useSlashFocus, useTypedFilter, useUrlFilters } from "@/components/filters/url-filters";
import { LoadMore } from "@/components/load-more";
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { Fragment, useId, useMemo, useRef, useState } from "react";
import type { AuditEntryView } from "@/lib/audit/schemas";
import { Changes } from "./changes";

type Page = { data: AuditEntryView[]; nextCursor: string | null };
export type ConnectionOption = { id: string; label: string };

export const FILTER_KEYS = ["actorType", "actor", "action", "subjectType", "subjectId", "connectionId", "correlationId", "from", "to", "q"] as const;
const ACTOR_LABEL: Record<string, string> = { USER: "Person", API_KEY: "API key", SYSTEM: "System" };
const ACTOR_STYLE: Record<string, string> = {
  USER: "bg-sky-50 text-sky-800 ring-sky-200",
  API_KEY: "bg-violet-50 text-violet-800 ring-violet-200",
  SYSTEM: "bg-slate-100 text-slate-700 ring-slate-300",
};

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `Request failed (${response.status})`);
  return body as T;
}

export function AuditTrail({ workspace, connections }: { workspace: string; connections: ConnectionOption[] }) {
  const filters = useFilterParams(FILTER_KEYS);
  const base = `/w/${workspace}/audit`;
  const list = useInfiniteQuery({
    queryKey: ["audit", workspace, filters.toString()],
    queryFn: ({ pageParam }) => getJson<Page>(`${base}/feed?${new URLSearchParams([...filters, ...(pageParam ? [["cursor", pageParam]] : [])])}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const connectionName = useMemo(() => new Map(connections.map((c) => [c.id, c.label])), [connections]);
  const [open, setOpen] = useState<Set<string>>(() => new Set());
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const body = useRef<HTMLTableSectionElement>(null);
  const onKeyDown = (event: React.KeyboardEvent) => {
    const move = event.key === "j" || event.key === "ArrowDown" ? 1 : event.key === "k" || event.key === "ArrowUp" ? -1 : 0;
    const target = event.target;
    if (!move || !(target instanceof HTMLElement)) return;
    const toggles = [...(body.current?.querySelectorAll<HTMLButtonElement>("button[data-entry-toggle]") ?? [])];
    const at = toggles.findIndex((t) => t.closest("tr") === target.closest("tr"));
    const next = toggles[Math.max(0, Math.min(toggles.length - 1, at + move))];
    if (next) {
      event.preventDefault();
      next.focus();
    }
  };

  return (
    <div className="space-y-4">
      <Filters connections={connections} />
      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
        <span aria-live="polite" data-testid="audit-count">
          {list.isLoading ? "Loading…" : `${rows.length.toLocaleString()}${list.hasNextPage ? "+" : ""} ${rows.length === 1 ? "entry" : "entries"}`}
        </span>
        <a
          href={`${base}/export${filters.size ? `?${filters}` : ""}`}
          download
          data-testid="audit-export"
          className="rounded-md bg-white px-3 py-2 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50"
        >
          Export CSV
        </a>
      </div>
      {list.isError ? (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900">
          {list.error.message}
        </p>
      ) : null}
      {list.isSuccess && rows.length === 0 && filters.size === 0 ? (
        <EmptyState title="Nothing recorded yet" testId="empty-audit">
          Connections, pulls, pushes, conflict decisions and changes to members and settings are recorded here as they happen.
        </EmptyState>
      ) : list.isSuccess && rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-600" data-testid="audit-empty">
          No entries match these filters.
        </p>
      ) : null}
      {rows.length > 0 ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm" data-testid="audit-list">
            <caption className="sr-only">Audit entries, newest first</caption>
            <thead className="border-b border-slate-200 text-xs text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  When
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Actor
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Action
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Subject
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Connection
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Run
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  <span className="sr-only">Details</span>
                </th>
              </tr>
            </thead>
            <tbody ref={body} onKeyDown={onKeyDown}>
              {rows.map((entry) => (
                <Fragment key={entry.id}>
                  <EntryRow workspace={workspace} entry={entry} connection={entry.connectionId ? (connectionName.get(entry.connectionId) ?? "Removed connection") : null} open={open.has(entry.id)} onToggle={() => toggle(entry.id)} />
                  {open.has(entry.id) ? (
                    <tr id={`audit-details-${entry.id}`} className="border-b border-slate-100 bg-slate-50/60" data-testid="audit-details">
                      <td colSpan={7} className="px-3 py-3">
                        <Details entry={entry} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <LoadMore list={list} />
    </div>
  );
}

function EntryRow({ workspace, entry, connection, open, onToggle }: { workspace: string; entry: AuditEntryView; connection: string | null; open: boolean; onToggle: () => void }) {
  const runHref = entry.correlationId ? `/w/${workspace}/audit?${new URLSearchParams({ correlationId: entry.correlationId })}` : null;
  return (
    <tr className="border-b border-slate-100 align-top hover:bg-slate-50" data-testid="audit-row" data-entry-id={entry.id} data-action={entry.action}>
      <td className="whitespace-nowrap px-3 py-2 text-slate-600">
        <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
      </td>
      <td className="min-w-48 px-3 py-2">
        <span className={`mr-1 inline-flex rounded-full px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${ACTOR_STYLE[entry.actorType] ?? ""}`}>{ACTOR_LABEL[entry.actorType] ?? entry.actorType}</span>
        <span className="text-slate-900 [overflow-wrap:anywhere]">{entry.actorLabel}</span>
      </td>
      <td className="px-3 py-2 font-mono text-xs text-slate-900">{entry.action}</td>
      <td className="px-3 py-2">
        {entry.subjectType === "invoice" && entry.subjectId ? (
          <Link href={`/w/${workspace}/invoices/${entry.subjectId}`} className="text-brand-700 underline" data-testid="audit-invoice-link">
            Invoice <span className="font-mono text-xs">{entry.subjectId}</span>
          </Link>
        ) : (
          <span className="text-slate-700">
            {entry.subjectType}
            {entry.subjectId ? <span className="ml-1 font-mono text-xs text-slate-500">{entry.subjectId}</span> : null}
          </span>
        )}
      </td>
      <td className="px-3 py-2 text-slate-700">{connection ?? <span className="text-slate-400">—</span>}</td>
      <td className="px-3 py-2">
        {runHref ? (
          <Link href={runHref} className="font-mono text-xs text-brand-700 underline" title={`Every entry of run ${entry.correlationId}`} data-testid="audit-run-link">
            {entry.correlationId!.slice(0, 10)}
            <span className="sr-only"> (every entry of this run)</span>
          </Link>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className="px-3 py-2 text-right">
        <button
          type="button"
          data-entry-toggle
          aria-expanded={open}
          aria-controls={`audit-details-${entry.id}`}
          onClick={onToggle}
          className="whitespace-nowrap rounded px-2 py-1 text-xs font-medium text-brand-700 ring-1 ring-slate-200 hover:bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        >
          <span aria-hidden className="mr-1 inline-block w-2">
            {open ? "▾" : "▸"}
          </span>
          Details
          <span className="sr-only"> of entry {entry.id}</span>
        </button>
      </td>
    </tr>
  );
}

function Details({ entry }: { entry: AuditEntryView }) {
  return (
    <div className="space-y-3">
      <Changes changes={entry.changes} />
      <dl className="grid grid-cols-[8rem_minmax(0,1fr)] gap-x-3 gap-y-1 text-xs text-slate-600">
        <dt>Entry</dt>
        <dd className="font-mono">#{entry.id}</dd>
        {entry.actorId ? (
          <>
            <dt>Actor id</dt>
            <dd className="font-mono">{entry.actorId}</dd>
          </>
        ) : null}
        {entry.correlationId ? (
          <>
            <dt>Correlation id</dt>
            <dd className="font-mono">{entry.correlationId}</dd>
          </>
        ) : null}
        <dt>Hash</dt>
        <dd className="break-all font-mono">{entry.hash}</dd>
        <dt>Previous hash</dt>
        <dd className="break-all font-mono">{entry.prevHash ?? "none (first entry)"}</dd>
      </dl>
    </div>
  );
}

function Filters({ connections }: { connections: ConnectionOption[] }) {
  const { value, set, clear } = useUrlFilters();
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(search);
  const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  const prefix = useId();
  const id = (name: string) => `${prefix}-${name}`;
  const narrowed = FILTER_KEYS.some((k) => value(k));

  return (
    <form role="search" aria-label="Filter the audit trail" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <Field label="Search" htmlFor={id("q")}>
        <TextFilter id={id("q")} inputRef={search} value={value("q")} onChange={(v) => set("q", v)} placeholder="Actor, action, ids, values  ( / )" className={`${field} w-64`} type="search" />
      </Field>
      <Field label="Actor type" htmlFor={id("actorType")}>
        <select id={id("actorType")} value={value("actorType")} onChange={(e) => set("actorType", e.target.value || null)} className={field}>
          <option value="">Any</option>
          {Object.entries(ACTOR_LABEL).map(([v, label]) => (
            <option key={v} value={v}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Actor" htmlFor={id("actor")}>
        <TextFilter id={id("actor")} value={value("actor")} onChange={(v) => set("actor", v)} placeholder="Email, key, run or id" className={`${field} w-44`} />
      </Field>
      <Field label="Action" htmlFor={id("action")}>
        <TextFilter id={id("action")} value={value("action")} onChange={(v) => set("action", v)} placeholder="Starts with, e.g. sync.push" className={`${field} w-48`} />
      </Field>
      <Field label="Subject type" htmlFor={id("subjectType")}>
        <TextFilter id={id("subjectType")} value={value("subjectType")} onChange={(v) => set("subjectType", v)} placeholder="invoice, member…" className={`${field} w-32`} />
      </Field>
      <Field label="Connection" htmlFor={id("connectionId")}>
        <select id={id("connectionId")} value={value("connectionId")} onChange={(e) => set("connectionId", e.target.value || null)} className={field}>
          <option value="">Any</option>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
          {value("connectionId") && !connections.some((c) => c.id === value("connectionId")) ? <option value={value("connectionId")}>Removed connection</option> : null}
        </select>
      </Field>
      <Field label="From" htmlFor={id("from")}>
        <input id={id("from")} type="date" value={/^\d{4}-\d{2}-\d{2}$/.test(value("from")) ? value("from") : ""} onChange={(e) => set("from", e.target.value || null)} className={field} />
      </Field>
      <Field label="To" htmlFor={id("to")}>
        <input id={id("to")} type="date" value={/^\d{4}-\d{2}-\d{2}$/.test(value("to")) ? value("to") : ""} onChange={(e) => set("to", e.target.value || null)} className={field} />
      </Field>
      {value("subjectId") ? <Chip label={`Subject ${value("subjectId")}`} onClear={() => set("subjectId", null)} /> : null}
      {value("correlationId") ? <Chip label={`Run ${value("correlationId")}`} onClear={() => set("correlationId", null)} /> : null}
      {narrowed ? (
        <button type="button" onClick={clear} className="pb-1.5 text-sm text-brand-700 underline">
          Clear filters
        </button>
      ) : null}
    </form>
  );
}

/** A text filter that answers as you type, then puts its value in the URL after a short pause. */
function TextFilter({ value, onChange, inputRef, ...input }: { id: string; value: string; onChange: (value: string | null) => void; inputRef?: React.Ref<HTMLInputElement>; placeholder: string; className: string; type?: string }) {
  const [text, setText] = useTypedFilter(value, onChange);
  return <input {...input} ref={inputRef} value={text} onChange={(e) => setText(e.target.value)} />;
}

function Chip({ label, onClear }: { label: string; onClear: () => void }) {
  return (
    <span className="mb-1 inline-flex items-center gap-1 rounded-full bg-brand-50 px-2 py-1 text-xs text-brand-900 ring-1 ring-brand-100" data-testid="audit-filter-chip">
      <span className="max-w-64 truncate">{label}</span>
      <button type="button" onClick={onClear} className="rounded-full px-1 hover:bg-brand-100" aria-label={`Clear ${label}`}>
        ×
      </button>
    </span>
  );
}

function Field({ label, htmlFor, children }: { label: string; htmlFor: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col">
      <label htmlFor={htmlFor} className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {children}
    </div>
  );
}
