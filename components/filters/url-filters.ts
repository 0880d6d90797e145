"use client";
/**
 * Filters kept in the URL, shared by the timeline, the conflict inbox and the audit trail: the
 * URL is the state (shareable, back-button friendly), the controls answer at once and the URL
 * follows, and a URL changed from outside (a link, Back) wins. `/` focuses a page's search box
 * unless someone is typing.
 */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useMemo, useState, type RefObject } from "react";

/** The page's filters among the URL's parameters, in a stable order (a query key). */
export function useFilterParams(keys: readonly string[]): URLSearchParams {
  const params = useSearchParams();
  return useMemo(() => {
    const filters = new URLSearchParams();
    for (const key of keys) {
      const value = params.get(key);
      if (value) filters.set(key, value);
    }
    return filters;
  }, [params, keys]);
}

/** Each filter's value ("" when unset), `set` (null clears it, keeping the others) and `clear` (all of them). */
export function useUrlFilters(): { value: (key: string) => string; set: (key: string, next: string | null) => void; clear: () => void } {
  const params = useSearchParams();
  const pathname = usePathname();
  const router = useRouter();
  const current = params.toString();
  const [values, setValues] = useState(() => new URLSearchParams(current));
  const [synced, setSynced] = useState(current);
  if (synced !== current) {
    setSynced(current);
    setValues(new URLSearchParams(current));
  }
  const go = (next: URLSearchParams) => router.replace(next.size ? `${pathname}?${next}` : pathname, { scroll: false });
  return {
    value: (key) => values.get(key) ?? "",
    set: (key, next) => {
      const updated = new URLSearchParams(values);
      if (next) updated.set(key, next);
      else updated.delete(key);
      setValues(updated);
      go(updated);
    },
    clear: () => {
      setValues(new URLSearchParams());
      go(new URLSearchParams());
    },
  };
}

/**
 * A text filter's box: it answers as you type, the filter (`onChange`, null when empty) follows
 * after a short pause, and a value changed from outside (a link, Back, Clear) replaces the text.
 */
export function useTypedFilter(value: string, onChange: (next: string | null) => void, pauseMs = 250): [string, (text: string) => void] {
  const [text, setText] = useState(value);
  const [synced, setSynced] = useState(value);
  if (synced !== value) {
    setSynced(value);
    setText(value);
  }
  useEffect(() => {
    if (text.trim() === value) return;
    const timer = setTimeout(() => onChange(text.trim() || null), pauseMs);
    return () => clearTimeout(timer);
  });
  return [text, setText];
}

/** `/` focuses the search box, unless a modifier is held or someone is typing elsewhere. */
export function useSlashFocus(search: RefObject<HTMLInputElement | null>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      e.preventDefault();
      search.current?.focus();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [search]);
}

/** Whether a key press is someone typing (shortcuts stay quiet then). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target instanceof HTMLInputElement) return !["checkbox", "radio", "button", "submit", "reset"].includes(target.type);
  return target.isContentEditable || ["TEXTAREA", "SELECT"].includes(target.tagName);
}
