import { STATUS_LABEL, STATUS_STYLE, SYSTEM_LABEL } from "./format";

/** One system's state of an invoice: "Stripe · Paid". */
export function SystemChip({ system, status, title }: { system: string; status: string; title?: string }) {
  return (
    <span
      data-testid={`chip-${system}`}
      data-status={status}
      title={title}
      className={`inline-flex items-center gap-1 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status] ?? ""}`}
    >
      <span className="font-semibold">{SYSTEM_LABEL[system] ?? system}</span>
      <span aria-hidden>·</span>
      <span>{STATUS_LABEL[status] ?? status}</span>
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[status] ?? ""}`}>{STATUS_LABEL[status] ?? status}</span>;
}
