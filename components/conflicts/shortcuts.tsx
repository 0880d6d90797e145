"use client";
/** The inbox's keyboard shortcuts, shown with `?` (a modal dialog: Escape closes it). */
import { useEffect, useRef } from "react";

const KEYS: { keys: string[]; what: string; resolve?: boolean }[] = [
  { keys: ["j", "k"], what: "Next / previous conflict" },
  { keys: ["1", "…", "9"], what: "Take the value of that row of the focused conflict", resolve: true },
  { keys: ["e"], what: "Ignore the focused conflict, with a reason", resolve: true },
  { keys: ["x"], what: "Select or unselect the focused conflict", resolve: true },
  { keys: ["/"], what: "Search" },
  { keys: ["?"], what: "Show or hide these shortcuts" },
];

export function Shortcuts({ open, onClose, canResolve }: { open: boolean; onClose: () => void; canResolve: boolean }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={dialog} onClose={onClose} aria-labelledby="conflict-shortcuts-title" className="rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40" data-testid="shortcuts">
      <div className="space-y-3 p-5">
        <h2 id="conflict-shortcuts-title" className="text-base font-semibold">
          Keyboard shortcuts
        </h2>
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm">
          {KEYS.filter((k) => canResolve || !k.resolve).map((k) => (
            <div key={k.what} className="contents">
              <dt className="whitespace-nowrap">
                {k.keys.map((key) => (key === "…" ? " … " : <kbd key={key} className="mr-1 rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">{key}</kbd>))}
              </dt>
              <dd className="text-slate-700">{k.what}</dd>
            </div>
          ))}
        </dl>
        <p className="text-xs text-slate-500">Shortcuts stay quiet while you type in a field.</p>
        <button type="button" onClick={onClose} className="rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50">
          Close
        </button>
      </div>
    </dialog>
  );
}
