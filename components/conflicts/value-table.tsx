/**
 * Every system's value of the field a conflict is about, Concord's (canonical) first, side by
 * side; the values that differ from Concord's are marked with a sign and words, not by colour
 * alone. Each row offers taking its value; the number before it is its keyboard shortcut.
 */
import type { ConflictView, ValueRow } from "@/lib/conflicts/schemas";
import { FIELD_LABEL, formatValue, possessive, systemName } from "./format";

export function ValueTable({ conflict, onTake, busy }: { conflict: ConflictView; onTake: ((row: ValueRow) => void) | null; busy: boolean }) {
  const currency = conflict.invoice?.currency ?? null;
  const field = FIELD_LABEL[conflict.field ?? ""] ?? conflict.field ?? "value";
  // A system holding two records here (two customer records) names each button by its record.
  const twice = new Set(conflict.rows.map((r) => r.system).filter((s, i, all) => all.indexOf(s) !== i));
  return (
    <div className="overflow-x-auto rounded-md border border-slate-200">
      <table className="w-full text-sm" data-testid="conflict-values">
        <caption className="sr-only">Each system&apos;s {field}, Concord&apos;s first; differences from Concord are marked</caption>
        <thead className="bg-slate-50 text-left text-xs text-slate-500">
          <tr>
            <th scope="col" className="w-10 px-3 py-1.5 font-medium">
              <span className="sr-only">Shortcut</span>
              <span aria-hidden>#</span>
            </th>
            <th scope="col" className="px-3 py-1.5 font-medium">
              System
            </th>
            <th scope="col" className="px-3 py-1.5 font-medium">
              {field.charAt(0).toUpperCase() + field.slice(1)}
            </th>
            {onTake ? (
              <th scope="col" className="px-3 py-1.5 font-medium">
                <span className="sr-only">Decide</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {conflict.rows.map((row, index) => {
            const name = systemName(row.system);
            const shown = formatValue(conflict.field, row, currency);
            return (
              <tr
                key={`${row.source}:${row.externalId ?? ""}`}
                data-testid="value-row"
                data-system={row.system}
                data-differs={row.differs || undefined}
                className={`border-t border-slate-100 ${row.differs ? "bg-amber-50" : ""}`}
              >
                <td className="px-3 py-1.5 text-xs text-slate-500">
                  <kbd className="rounded border border-slate-300 bg-white px-1 font-mono">{index + 1}</kbd>
                </td>
                <th scope="row" className="px-3 py-1.5 text-left font-medium text-slate-800">
                  {name}
                  {row.system === "concord" ? <span className="ml-1 text-xs font-normal text-slate-500">(canonical)</span> : null}
                  {row.externalId ? <span className="block font-mono text-xs font-normal text-slate-500">{row.externalId}</span> : null}
                </th>
                <td className={`px-3 py-1.5 tabular-nums ${row.differs ? "font-semibold text-amber-900" : "text-slate-800"}`} data-testid="value">
                  {row.differs ? (
                    <span aria-hidden className="mr-1 inline-block rounded bg-amber-200 px-1 text-xs font-bold text-amber-900" title="Differs from Concord">
                      ≠
                    </span>
                  ) : null}
                  {shown}
                  {row.differs ? <span className="ml-1 text-xs font-normal text-amber-800">differs</span> : null}
                  {row.differs ? <span className="sr-only"> from Concord&apos;s value</span> : null}
                </td>
                {onTake ? (
                  <td className="px-3 py-1.5 text-right">
                    {row.value !== null ? (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => onTake(row)}
                        aria-keyshortcuts={index < 9 ? String(index + 1) : undefined}
                        className="whitespace-nowrap rounded-md bg-white px-2 py-1 text-xs font-semibold text-brand-700 ring-1 ring-slate-300 hover:bg-brand-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 disabled:opacity-60"
                      >
                        Use {possessive(name)} value
                        {twice.has(row.system) && row.externalId ? <span className="sr-only"> (record {row.externalId})</span> : null}
                      </button>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
