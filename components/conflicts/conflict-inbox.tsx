"use client";
/**
 * The conflict inbox: what the sync rules could not settle, grouped by kind with counts, filtered
 * and searched through the URL, loaded a page at a time by cursor and polled every few seconds,
 * so the sync engine's push outcomes appear without a reload. A conflict decided here stays in
 * place (even when it no longer matches the filters) to show what became of it.
 * Keyboard: j/k move, 1-9 take the value of that row, e ignores, x selects, / searches, ? helps.
 */
import { useInfiniteQuery, useQueries, useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { ConflictPage, ConflictView } from "@/lib/conflicts/schemas";
import { resolveConflictAction } from "@/app/w/[workspace]/conflicts/actions";
import { BulkBar, type ConnectionOption } from "./bulk-bar";
import { ConflictCard, type Decide, type ItemMessage } from "./conflict-card";
import { useFilterParams, isTyping } from "@/components/filters/url-filters";
import { LoadMore } from "@/components/load-more";
import { FILTER_KEYS, KindTabs, StatusAndSearch } from "./filters";
import { possessive, systemName } from "./format";
import { Shortcuts } from "./shortcuts";
import { conflictCountKey } from "@/components/notifications/conflict-count";

export type { ConnectionOption } from "./bulk-bar";

const POLL_MS = 3_000;
const EMPTY = new Map<string, number>();

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: "application/json" }, cache: "no-store" });
  const body = await response.json();
  if (!response.ok) throw new Error(body?.error?.message ?? `Request failed (${response.status})`);
  return body as T;
}

const toggled = <T,>(set: Set<T>, value: T, on: boolean) => {
  const next = new Set(set);
  if (on) next.add(value);
  else next.delete(value);
  return next;
};

export function ConflictInbox({ workspace, canResolve, connections }: { workspace: string; canResolve: boolean; connections: ConnectionOption[] }) {
  const filters = useFilterParams(FILTER_KEYS);
  const filterKey = filters.toString();
  const base = `/w/${workspace}/conflicts`;
  const client = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: ["conflicts", workspace, filterKey],
    queryFn: ({ pageParam }) => getJson<ConflictPage>(`${base}/feed?${new URLSearchParams([...filters, ...(pageParam ? [["cursor", pageParam]] : [])])}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: POLL_MS,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.data) ?? [], [list.data]);
  const counts = list.data?.pages[0]?.counts ?? null;

  // Conflicts decided on this page, by the position they had: polled one by one until the filters change.
  const [pinned, setPinned] = useState<{ key: string; items: Map<string, number> }>({ key: filterKey, items: EMPTY });
  const pinnedItems = pinned.key === filterKey ? pinned.items : EMPTY;
  const pinnedIds = [...pinnedItems.keys()];
  const pinnedQueries = useQueries({
    queries: pinnedIds.map((id) => ({ queryKey: ["conflict", workspace, id], queryFn: () => getJson<ConflictView>(`${base}/feed/${id}`), refetchInterval: POLL_MS })),
  });
  const pinnedData = new Map(pinnedIds.map((id, i) => [id, pinnedQueries[i]?.data]));
  const shown: ConflictView[] = rows.map((row) => {
    const fresh = pinnedData.get(row.id);
    return fresh && fresh.version >= row.version ? fresh : row;
  });
  for (const [id, index] of [...pinnedItems].sort((a, b) => a[1] - b[1])) {
    const view = pinnedData.get(id);
    if (view && !rows.some((r) => r.id === id)) shown.splice(Math.min(index, shown.length), 0, view);
  }
  const pin = (id: string, index: number) =>
    setPinned((current) => {
      const items = new Map(current.key === filterKey ? current.items : EMPTY);
      if (!items.has(id)) items.set(id, Math.max(0, index));
      return { key: filterKey, items };
    });

  const [messages, setMessages] = useState<Map<string, ItemMessage>>(() => new Map());
  const [busy, setBusy] = useState<Set<string>>(() => new Set());
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [ignoreFor, setIgnoreFor] = useState<string | null>(null);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState<{ ok: boolean; text: string; n: number } | null>(null);
  const announce = (ok: boolean, text: string) => setAnnouncement((a) => ({ ok, text, n: (a?.n ?? 0) + 1 }));
  useEffect(() => {
    if (!announcement) return;
    const timer = setTimeout(() => setAnnouncement(null), 10_000);
    return () => clearTimeout(timer);
  }, [announcement]);

  const decide: Decide = async (conflict, input) => {
    if (busy.has(conflict.id)) return null;
    setBusy((b) => toggled(b, conflict.id, true));
    const index = shown.findIndex((c) => c.id === conflict.id);
    const key = ["conflict", workspace, conflict.id];
    try {
      const result: ActionResult<ConflictView> = await resolveConflictAction(null, { workspace, conflictId: conflict.id, version: conflict.version, ...input });
      if (result.ok) {
        client.setQueryData(key, result.data);
        // The shell's open-conflict badge follows at once.
        void client.invalidateQueries({ queryKey: conflictCountKey(`/w/${workspace}`) });
        pin(conflict.id, index);
        setMessages((m) => new Map(m).set(conflict.id, { ok: true, text: result.message ?? "Done." }));
        setSelected((s) => toggled(s, conflict.id, false));
        announce(true, result.message ?? "Done.");
      } else {
        // Someone else decided first (409), or it is gone: show what it is now.
        if (result.error.code === "conflict" || result.error.code === "not_found") {
          client.setQueryData<ConflictView>(key, (old) => old ?? conflict);
          pin(conflict.id, index);
          void client.invalidateQueries({ queryKey: key });
        }
        if (!result.error.fields || result.error.code === "conflict") setMessages((m) => new Map(m).set(conflict.id, { ok: false, text: result.error.message }));
        announce(false, result.error.fields ? `${result.error.message} ${Object.values(result.error.fields).flat().join(" ")}` : result.error.message);
      }
      void client.invalidateQueries({ queryKey: ["conflicts", workspace] });
      return result;
    } catch {
      announce(false, "Could not reach Concord. Check your connection and try again.");
      return null;
    } finally {
      setBusy((b) => toggled(b, conflict.id, false));
    }
  };

  // Keyboard: the focused conflict moves with j/k and is scrolled to and focused.
  const focused = shown.find((c) => c.id === focusedId) ?? null;
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current || !focusedId) return;
    moved.current = false;
    const element = document.getElementById(`conflict-${focusedId}`);
    element?.scrollIntoView({ block: "nearest" });
    element?.focus({ preventScroll: true });
  }, [focusedId]);
  const [helpOpen, setHelpOpen] = useState(false);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === "?") {
        e.preventDefault();
        setHelpOpen((open) => !open);
        return;
      }
      if (helpOpen) return;
      if (e.key === "j" || e.key === "k") {
        e.preventDefault();
        if (shown.length === 0) return;
        const at = shown.findIndex((c) => c.id === focusedId);
        const next = at < 0 ? 0 : Math.max(0, Math.min(shown.length - 1, at + (e.key === "j" ? 1 : -1)));
        if (e.key === "j" && at === shown.length - 1 && list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
        moved.current = true;
        setFocusedId(shown[next]!.id);
        return;
      }
      if (!focused) return;
      if (/^[1-9]$/.test(e.key)) {
        e.preventDefault();
        const row = focused.rows[Number(e.key) - 1];
        if (!canResolve) return announce(false, "Your role can look at conflicts but not decide them.");
        if (!row || row.value === null || !focused.actions.includes("take")) return announce(false, `There is no value in row ${e.key} to take here.`);
        announce(true, `Taking ${possessive(systemName(row.system))} value…`);
        void decide(focused, { action: "take", source: row.source });
      } else if (e.key === "e") {
        if (!canResolve || !focused.actions.includes("ignore")) return announce(false, "This conflict cannot be ignored now.");
        e.preventDefault();
        setIgnoreFor(focused.id);
      } else if (e.key === "x") {
        if (!canResolve || focused.status !== "OPEN") return;
        e.preventDefault();
        setSelected((s) => toggled(s, focused.id, !s.has(focused.id)));
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const selectable = shown.filter((c) => c.status === "OPEN");
  const chosen = selectable.filter((c) => selected.has(c.id));
  const allChosen = selectable.length > 0 && chosen.length === selectable.length;
  const selectAll = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = chosen.length > 0 && !allChosen;
  });
  // "Take from": the connections whose values the conflicts on the page hold.
  const present = connections.filter((c) => shown.some((v) => v.rows.some((r) => r.source === c.id)));
  const narrowed = Boolean(filters.get("kind") || filters.get("q") || (filters.get("status") && filters.get("status") !== "OPEN"));

  return (
    <div className="space-y-4">
      <KindTabs counts={counts} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <StatusAndSearch />
        <button
          type="button"
          onClick={() => setHelpOpen(true)}
          aria-keyshortcuts="?"
          className="rounded-md px-2 py-1 text-sm text-brand-700 underline focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600"
        >
          Keyboard shortcuts
        </button>
      </div>
      <Shortcuts open={helpOpen} onClose={() => setHelpOpen(false)} canResolve={canResolve} />

      <div className="flex flex-wrap items-center justify-between gap-3 text-sm text-slate-600">
        {canResolve && selectable.length > 0 ? (
          <label className="flex items-center gap-2">
            <input ref={selectAll} type="checkbox" checked={allChosen} onChange={(e) => setSelected(e.target.checked ? new Set(selectable.map((c) => c.id)) : new Set())} data-testid="select-all" />
            Select all on page
          </label>
        ) : (
          <span />
        )}
        <span data-testid="conflicts-count">
          {list.isLoading ? "Loading…" : `${shown.length.toLocaleString("en-US")}${list.hasNextPage ? "+" : ""} shown`}
          {list.isFetching && !list.isLoading ? <span className="sr-only"> (updating)</span> : null}
        </span>
      </div>
      {canResolve ? (
        <BulkBar
          workspace={workspace}
          selected={chosen}
          connections={present}
          announce={announce}
          onDone={(ids) => {
            setSelected((s) => new Set([...s].filter((id) => !ids.includes(id))));
            void client.invalidateQueries({ queryKey: ["conflicts", workspace] });
            void client.invalidateQueries({ queryKey: conflictCountKey(`/w/${workspace}`) });
          }}
        />
      ) : null}

      {list.isError ? (
        <p role="alert" className="rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-900">
          {list.error.message}
        </p>
      ) : null}
      {list.isSuccess && shown.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-14 text-center" data-testid="empty-conflicts">
          <h2 className="text-base font-semibold text-slate-900">{narrowed ? "No conflicts match" : "Nothing to resolve"}</h2>
          <p className="mx-auto mt-2 max-w-md text-sm text-slate-600">
            {narrowed
              ? "Try another kind or status, or clear the search."
              : "When two systems disagree on an amount, a status or a customer and the rules cannot decide, the difference appears here with each system's value."}
          </p>
        </div>
      ) : null}

      <section aria-label="Conflicts" className="space-y-3" data-testid="conflict-list">
        {shown.map((conflict) => (
          <ConflictCard
            key={conflict.id}
            conflict={conflict}
            workspace={workspace}
            canResolve={canResolve}
            focused={conflict.id === focusedId}
            selected={selected.has(conflict.id)}
            onSelect={(on) => setSelected((s) => toggled(s, conflict.id, on))}
            ignoreOpen={ignoreFor === conflict.id}
            setIgnoreOpen={(open) => setIgnoreFor(open ? conflict.id : null)}
            message={messages.get(conflict.id) ?? null}
            busy={busy.has(conflict.id)}
            decide={decide}
            onFocusItem={() => setFocusedId(conflict.id)}
          />
        ))}
      </section>
      <LoadMore list={list} />

      <div className="pointer-events-none fixed inset-x-0 bottom-4 z-20 flex justify-center px-4">
        <div role="status" aria-live="polite" aria-atomic="true" data-testid="inbox-toast">
          {announcement ? (
            <p key={announcement.n} className={`pointer-events-auto max-w-xl rounded-md px-4 py-2 text-sm shadow-lg ${announcement.ok ? "bg-slate-900 text-white" : "bg-red-700 text-white"}`}>
              {announcement.text}
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}
