"use client";
/**
 * The inbox's filters, kept in the URL (shareable, back-button friendly): the kind groups with
 * their counts, the status (Open unless asked otherwise) and a search box that `/` focuses.
 */
import { useId, useRef } from "react";
import { useSlashFocus, useTypedFilter, useUrlFilters } from "@/components/filters/url-filters";
import type { ConflictPage } from "@/lib/conflicts/schemas";
import { KIND_LABEL, KIND_TABS, STATUS_FILTERS } from "./format";

export const FILTER_KEYS = ["kind", "status", "q"] as const;

export function KindTabs({ counts }: { counts: ConflictPage["counts"] | null }) {
  const { value, set } = useUrlFilters();
  const kind = value("kind") || null;
  const tabs: { value: string | null; label: string; count: number | undefined }[] = [
    { value: null, label: "All", count: counts?.total },
    ...KIND_TABS.map((k) => ({ value: k, label: KIND_LABEL[k], count: counts?.byKind[k] })),
  ];
  return (
    <nav aria-label="Conflict kinds">
      <ul className="flex flex-wrap gap-1 border-b border-slate-200 pb-2">
        {tabs.map((tab) => {
          const current = (tab.value ?? null) === (kind ?? null);
          return (
            <li key={tab.label}>
              <button
                type="button"
                aria-pressed={current}
                onClick={() => set("kind", tab.value)}
                data-testid={`kind-${tab.value ?? "ALL"}`}
                data-count={tab.count ?? ""}
                className={`inline-flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 ${
                  current ? "bg-brand-50 text-brand-800 ring-1 ring-brand-200" : "text-slate-700 hover:bg-slate-100"
                }`}
              >
                {tab.label}
                <span className={`min-w-6 rounded-full px-1.5 text-center text-xs font-semibold ${tab.count ? "bg-amber-100 text-amber-900" : "bg-slate-100 text-slate-500"}`}>
                  {tab.count === undefined ? "…" : tab.count.toLocaleString("en-US")}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

export function StatusAndSearch() {
  const { value, set } = useUrlFilters();
  const prefix = useId();
  const status = value("status") || "OPEN";
  const [q, setQ] = useTypedFilter(value("q"), (next) => set("q", next));
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(search);
  const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  return (
    <form role="search" aria-label="Filter conflicts" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()}>
      <div className="flex flex-col">
        <label htmlFor={`${prefix}-q`} className="text-xs font-medium text-slate-600">
          Search
        </label>
        <input
          id={`${prefix}-q`}
          ref={search}
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") e.currentTarget.blur();
          }}
          placeholder="Invoice number or customer  ( / )"
          aria-keyshortcuts="/"
          className={`${field} w-72`}
        />
      </div>
      <div className="flex flex-col">
        <label htmlFor={`${prefix}-status`} className="text-xs font-medium text-slate-600">
          Status
        </label>
        <select id={`${prefix}-status`} value={status} onChange={(e) => set("status", e.target.value === "OPEN" ? null : e.target.value)} className={field}>
          {STATUS_FILTERS.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
