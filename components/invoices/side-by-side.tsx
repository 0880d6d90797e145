/**
 * An invoice's values in Concord and in each system, one column per system, with every value
 * that differs from Concord's highlighted (and said, for screen readers).
 */
import type { InvoiceDetail } from "@/lib/invoices/schemas";
import { formatMoney, STATUS_LABEL, SYSTEM_LABEL } from "./format";

type Values = Record<string, string | null>;

const FIELDS: { key: string; label: string }[] = [
  { key: "number", label: "Number" },
  { key: "status", label: "Status" },
  { key: "currency", label: "Currency" },
  { key: "total", label: "Total" },
  { key: "paid", label: "Paid" },
  { key: "due", label: "Due" },
  { key: "issueDate", label: "Issued" },
  { key: "dueDate", label: "Due date" },
];

function money(minor: unknown, currency: unknown): string | null {
  return typeof minor === "string" && typeof currency === "string" ? formatMoney(minor, currency) : null;
}

function canonicalValues(invoice: InvoiceDetail): Values {
  return {
    number: invoice.number,
    status: STATUS_LABEL[invoice.status] ?? invoice.status,
    currency: invoice.currency,
    total: formatMoney(invoice.totalMinor, invoice.currency),
    paid: formatMoney(invoice.amountPaidMinor, invoice.currency),
    due: formatMoney(invoice.amountDueMinor, invoice.currency),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
  };
}

function recordValues(snapshot: Record<string, unknown>): Values {
  const s = snapshot as Record<string, string | null | boolean>;
  return {
    number: (s.number as string | null) ?? null,
    status: s.deleted ? "Deleted" : (STATUS_LABEL[s.status as string] ?? (s.status as string)),
    currency: s.currency as string,
    total: money(s.totalMinor, s.currency),
    paid: money(s.amountPaidMinor, s.currency),
    due: money(s.amountDueMinor, s.currency),
    issueDate: (s.issueDate as string | null) ?? null,
    dueDate: (s.dueDate as string | null) ?? null,
  };
}

export function SideBySide({ invoice }: { invoice: InvoiceDetail }) {
  const concord = canonicalValues(invoice);
  const columns = invoice.records.map((r) => ({ record: r, values: recordValues(r.snapshot) }));
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-sm" data-testid="side-by-side">
        <thead className="bg-slate-50 text-left">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium text-slate-500">
              Field
            </th>
            <th scope="col" className="px-3 py-2 font-semibold">
              Concord
            </th>
            {columns.map(({ record }) => (
              <th scope="col" key={`${record.connectionId}:${record.externalId}`} className="px-3 py-2 font-semibold">
                {SYSTEM_LABEL[record.system]}
                <span className="block text-xs font-normal text-slate-500">
                  {record.externalId}
                  {record.matchRule && record.matchRule !== "NEW" ? ` · matched ${record.matchConfidence}%` : ""}
                </span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {FIELDS.map(({ key, label }) => (
            <tr key={key} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-1.5 text-left font-medium text-slate-500">
                {label}
              </th>
              <td className="whitespace-nowrap px-3 py-1.5 tabular-nums">{concord[key] ?? "—"}</td>
              {columns.map(({ record, values }) => {
                const differs = (values[key] ?? null) !== (concord[key] ?? null);
                return (
                  <td
                    key={`${record.connectionId}:${record.externalId}`}
                    data-differs={differs || undefined}
                    className={`whitespace-nowrap px-3 py-1.5 tabular-nums ${differs ? "bg-amber-50 font-semibold text-amber-900" : ""}`}
                  >
                    {values[key] ?? "—"}
                    {differs ? <span className="sr-only"> (differs from Concord)</span> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
