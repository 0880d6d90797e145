"use client";
/**
 * The open-conflict count for the shell's badge, kept fresh without a reload: polled every 30 s
 * (and on focus) from /w/<slug>/conflicts-count. Anything that resolves conflicts can call
 * `queryClient.invalidateQueries({ queryKey: conflictCountKey(base) })` to update it at once.
 */
import { useQuery } from "@tanstack/react-query";

const POLL_MS = 30_000;

export const conflictCountKey = (base: string) => ["conflicts-count", base] as const;

async function fetchCount(base: string): Promise<number> {
  const response = await fetch(`${base}/conflicts-count`, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`Request failed (${response.status})`);
  const body = (await response.json()) as { open?: unknown };
  return typeof body.open === "number" ? body.open : 0;
}

/** `base`: /w/<slug>; `initial`: the count the server rendered with (no flash on load). */
export function useOpenConflictCount(base: string, initial: number | undefined): number {
  const query = useQuery({
    queryKey: conflictCountKey(base),
    queryFn: () => fetchCount(base),
    initialData: initial,
    refetchInterval: POLL_MS,
  });
  return query.data ?? 0;
}
