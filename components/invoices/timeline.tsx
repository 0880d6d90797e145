"use client";
/**
 * The timeline: filters kept in the URL (shareable, back-button friendly), pages fetched by
 * cursor as the list scrolls, only the visible rows rendered (smooth at 100k invoices), and
 * changes polled every few seconds and merged in place, so updates appear without a reload.
 * Keyboard: j/k or the arrow keys move between rows, Enter opens one, / focuses search.
 */
import { useInfiniteQuery, useQuery, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useFilterParams, useSlashFocus, useTypedFilter, useUrlFilters } from "@/components/filters/url-filters";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { InvoiceSummary } from "@/lib/invoices/schemas";
import { formatMoney, STATUS_LABEL, SYSTEM_LABEL } from "./format";
import { StatusBadge, SystemChip } from "./status-chip";

type Page = { data: InvoiceSummary[]; nextCursor: string | null; counts: { total: number; disagreeing: number } | null };
type Changes = { data: InvoiceSummary[]; until: string; untilId: string | null; more: boolean };

const FILTER_KEYS = ["status", "system", "disagreement", "from", "to", "q", "customer"] as const;
const ROW_HEIGHT = 64;
const POLL_MS = 3_000;
/** Changes are asked for from a little before the last one seen: a transaction that committed late is still caught. */
const OVERLAP_MS = 30_000;

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `Request failed (${response.status})`);
  return body as T;
}

export function Timeline({ workspace }: { workspace: string }) {
  const filters = useFilterParams(FILTER_KEYS);
  const feed = `/w/${workspace}/invoices/feed`;
  const queryKey = useMemo(() => ["timeline", workspace, filters.toString()], [workspace, filters]);
  const client = useQueryClient();

  const list = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => getJson<Page>(`${feed}?${new URLSearchParams([...filters, ...(pageParam ? [["cursor", pageParam]] : [])])}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const counts = list.data?.pages[0]?.counts ?? null;

  // Live updates: merge changed invoices into the loaded pages; anything new refetches.
  const [point, setPoint] = useState<{ since: string; after: string | null }>(() => ({ since: new Date(Date.now() - OVERLAP_MS).toISOString(), after: null }));
  const changes = useQuery({
    queryKey: ["timeline-changes", workspace, point.since, point.after],
    queryFn: () => getJson<Changes>(`${feed}?${new URLSearchParams({ since: point.since, ...(point.after ? { after: point.after } : {}) })}`),
    refetchInterval: POLL_MS,
    enabled: list.isSuccess,
  });
  useEffect(() => {
    const answer = changes.data;
    const changed = answer?.data;
    if (!answer || !changed?.length) return;
    const byId = new Map(changed.map((i) => [i.id, i]));
    let unseen = changed.length;
    client.setQueryData<InfiniteData<Page>>(queryKey, (data) => {
      if (!data) return data;
      return {
        ...data,
        pages: data.pages.map((page) => ({
          ...page,
          data: page.data.map((row) => {
            const next = byId.get(row.id);
            if (!next) return row;
            unseen--;
            return next.version >= row.version ? next : row;
          }),
        })),
      };
    });
    if (unseen > 0) void client.invalidateQueries({ queryKey });
    // A full page: carry on from its exact last row at once. Otherwise ask again from a little
    // before the last change (a transaction that committed late is still caught).
    if (answer.more) setPoint({ since: answer.until, after: answer.untilId });
    else {
      const overlap = new Date(Date.parse(answer.until) - OVERLAP_MS).toISOString();
      if (overlap > point.since) setPoint({ since: overlap, after: null });
    }
  }, [changes.data, client, queryKey, point.since]);

  const scroller = useRef<HTMLDivElement>(null);
  // The virtualizer re-renders on scroll by design; the compiler skipping this component is expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;
  useEffect(() => {
    if (lastIndex >= rows.length - 20 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
  }, [lastIndex, rows.length, list]);

  const [active, setActive] = useState(0);
  const router = useRouter();
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.target instanceof HTMLInputElement || event.target instanceof HTMLSelectElement) return;
    const move = event.key === "j" || event.key === "ArrowDown" ? 1 : event.key === "k" || event.key === "ArrowUp" ? -1 : 0;
    if (move) {
      event.preventDefault();
      const next = Math.max(0, Math.min(rows.length - 1, active + move));
      setActive(next);
      virtualizer.scrollToIndex(next);
    } else if (event.key === "Enter" && rows[active]) {
      router.push(`/w/${workspace}/invoices/${rows[active]!.id}`);
    }
  };

  return (
    <div className="space-y-4">
      <Filters workspace={workspace} />
      <div className="flex items-baseline justify-between text-sm text-slate-600" aria-live="polite">
        <span data-testid="timeline-count">
          {counts ? `${counts.total.toLocaleString()} invoices, ${counts.disagreeing.toLocaleString()} with disagreements` : list.isLoading ? "Loading…" : ""}
        </span>
        {list.isFetching && !list.isLoading ? <span>Updating…</span> : null}
      </div>
      {list.isError ? (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900">
          {list.error.message}
        </p>
      ) : null}
      {list.isSuccess && rows.length === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-10 text-center text-sm text-slate-600" data-testid="timeline-empty">
          No invoices match. Connect tools under Connections, or loosen the filters.
        </p>
      ) : null}
      <div
        ref={scroller}
        role="list"
        aria-label="Invoices"
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="timeline"
        className="h-[calc(100vh-300px)] min-h-80 overflow-auto rounded-lg border border-slate-200 bg-white focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
      >
        <div style={{ height: virtualizer.getTotalSize(), position: "relative" }}>
          {items.map((item) => {
            const invoice = rows[item.index]!;
            return (
              <div
                key={invoice.id}
                role="listitem"
                style={{ position: "absolute", top: 0, left: 0, width: "100%", height: item.size, transform: `translateY(${item.start}px)` }}
                className={`border-b border-slate-100 ${item.index === active ? "bg-slate-50" : ""}`}
              >
                <InvoiceRow workspace={workspace} invoice={invoice} />
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function InvoiceRow({ workspace, invoice }: { workspace: string; invoice: InvoiceSummary }) {
  return (
    <Link
      href={`/w/${workspace}/invoices/${invoice.id}`}
      data-testid="invoice-row"
      data-invoice-id={invoice.id}
      className="grid h-full grid-cols-[9rem_minmax(0,1fr)_8rem_8rem_minmax(0,2fr)] items-center gap-3 px-4 text-sm hover:bg-slate-50 focus:bg-slate-50 focus:outline-none"
    >
      <span className="truncate font-medium text-slate-900">
        {invoice.disagreement ? (
          <span className="mr-1 text-amber-600" title="The systems disagree on this invoice" aria-label="Systems disagree" data-testid="disagreement">
            ≠
          </span>
        ) : null}
        {invoice.number ?? <span className="text-slate-400">no number</span>}
      </span>
      <span className="truncate text-slate-700">{invoice.customer.name ?? "—"}</span>
      <span className="text-slate-600">{invoice.issueDate}</span>
      <span className="text-right font-medium tabular-nums text-slate-900">{formatMoney(invoice.totalMinor, invoice.currency)}</span>
      <span className="flex flex-wrap items-center gap-1">
        <StatusBadge status={invoice.status} />
        {invoice.systems.map((chip) => (
          <SystemChip key={`${chip.connectionId}:${chip.externalId}`} system={chip.system} status={chip.status} title={`${SYSTEM_LABEL[chip.system]}: ${chip.number ?? chip.externalId}, ${formatMoney(chip.totalMinor, chip.currency)}`} />
        ))}
      </span>
    </Link>
  );
}

function Filters({ workspace }: { workspace: string }) {
  const { value, set } = useUrlFilters();
  const [q, setQ] = useTypedFilter(value("q"), (next) => set("q", next));
  const search = useRef<HTMLInputElement>(null);
  useSlashFocus(search);
  const field = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";
  const prefix = useId();
  const ids = (label: string) => `${prefix}-${label.replace(/\s+/g, "-").toLowerCase()}`;

  return (
    <form role="search" aria-label="Filter invoices" className="flex flex-wrap items-end gap-3" onSubmit={(e) => e.preventDefault()} data-workspace={workspace}>
      <Field label="Search" htmlFor={ids("Search")}>
        <input id={ids("Search")} ref={search} type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Number or customer  ( / )" className={`${field} w-64`} />
      </Field>
      <Field label="Status" htmlFor={ids("Status")}>
        <select id={ids("Status")} value={value("status")} onChange={(e) => set("status", e.target.value || null)} className={field}>
          <option value="">Any</option>
          {Object.entries(STATUS_LABEL)
            .filter(([k]) => k !== "DELETED")
            .map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
        </select>
      </Field>
      <Field label="System" htmlFor={ids("System")}>
        <select id={ids("System")} value={value("system")} onChange={(e) => set("system", e.target.value || null)} className={field}>
          <option value="">Any</option>
          {Object.entries(SYSTEM_LABEL).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Issued from" htmlFor={ids("Issued from")}>
        <input id={ids("Issued from")} type="date" value={value("from")} onChange={(e) => set("from", e.target.value || null)} className={field} />
      </Field>
      <Field label="Issued to" htmlFor={ids("Issued to")}>
        <input id={ids("Issued to")} type="date" value={value("to")} onChange={(e) => set("to", e.target.value || null)} className={field} />
      </Field>
      <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700">
        <input type="checkbox" checked={value("disagreement") === "true"} onChange={(e) => set("disagreement", e.target.checked ? "true" : null)} />
        Disagreements only
      </label>
      {value("customer") ? (
        <button type="button" onClick={() => set("customer", null)} className="pb-1.5 text-sm text-brand-700 underline">
          Clear customer filter
        </button>
      ) : null}
    </form>
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
