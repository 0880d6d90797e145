"use client";
/**
 * One conflict in the inbox: the invoice it is about, why the engine raised it, every system's
 * value side by side (or, for a duplicate or a possible match, the two invoices), the decisions
 * allowed now, and after a decision what became of it.
 */
import Link from "next/link";
import { useId, useState } from "react";
import type { ActionResult } from "@/lib/actions/result";
import type { ConflictView, ValueRow } from "@/lib/conflicts/schemas";
import type { InvoiceSummary } from "@/lib/invoices/schemas";
import { formatMoney } from "@/components/invoices/format";
import { SystemChip } from "@/components/invoices/status-chip";
import { EnterValueForm, IgnoreForm } from "./decision-forms";
import { KIND_LABEL, systemName } from "./format";
import { Outcome } from "./outcome";
import { ValueTable } from "./value-table";

export type Decide = (conflict: ConflictView, input: Record<string, string>) => Promise<ActionResult<ConflictView> | null>;
export type ItemMessage = { ok: boolean; text: string };

const STATUS_STYLE: Record<ConflictView["status"], string> = {
  OPEN: "bg-amber-50 text-amber-800 ring-amber-300",
  RESOLVED: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  IGNORED: "bg-slate-100 text-slate-700 ring-slate-300",
};
const button = "rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-slate-300 hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 disabled:opacity-60";
const primary = "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-brand-600 focus-visible:ring-offset-2 disabled:opacity-60";

type Props = {
  conflict: ConflictView;
  workspace: string;
  canResolve: boolean;
  focused: boolean;
  selected: boolean;
  onSelect: (selected: boolean) => void;
  ignoreOpen: boolean;
  setIgnoreOpen: (open: boolean) => void;
  message: ItemMessage | null;
  busy: boolean;
  decide: Decide;
  onFocusItem: () => void;
};

export function ConflictCard({ conflict, workspace, canResolve, focused, selected, onSelect, ignoreOpen, setIgnoreOpen, message, busy, decide, onFocusItem }: Props) {
  const titleId = useId();
  const [entering, setEntering] = useState(false);
  const can = (action: ConflictView["actions"][number]) => canResolve && conflict.actions.includes(action);
  const run = (input: Record<string, string>) => decide(conflict, input);
  const take = can("take") ? (row: ValueRow) => void run({ action: "take", source: row.source }) : null;
  const title = conflict.invoice?.number ?? (conflict.customer ? conflict.customer.name : null) ?? "an invoice without a number";

  return (
    <article
      id={`conflict-${conflict.id}`}
      tabIndex={-1}
      aria-labelledby={titleId}
      aria-current={focused ? "true" : undefined}
      onFocus={onFocusItem}
      data-testid="conflict"
      data-conflict-id={conflict.id}
      data-kind={conflict.kind}
      data-status={conflict.status}
      data-version={conflict.version}
      className={`scroll-mt-24 space-y-3 rounded-lg border bg-white p-4 focus:outline-none ${focused ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"}`}
    >
      <header className="flex flex-wrap items-start gap-3">
        {canResolve && conflict.status === "OPEN" ? (
          <input
            type="checkbox"
            checked={selected}
            onChange={(e) => onSelect(e.target.checked)}
            aria-label={`Select the ${KIND_LABEL[conflict.kind].toLowerCase()} conflict on ${title}`}
            className="mt-1.5 h-4 w-4"
            data-testid="select-conflict"
          />
        ) : null}
        <div className="min-w-0 flex-1">
          <h2 id={titleId} className="flex flex-wrap items-center gap-2 text-base font-semibold text-slate-900">
            <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-slate-700">{KIND_LABEL[conflict.kind]}</span>
            {conflict.invoice ? (
              <Link href={`/w/${workspace}/invoices/${conflict.invoice.id}`} className="text-brand-700 underline" data-testid="conflict-invoice">
                {conflict.invoice.number ?? "Invoice without a number"}
              </Link>
            ) : conflict.customer ? (
              <span data-testid="conflict-customer">Customer {conflict.customer.name}</span>
            ) : (
              <span>Invoice no longer exists</span>
            )}
            <span className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLE[conflict.status]}`}>{conflict.status.charAt(0) + conflict.status.slice(1).toLowerCase()}</span>
          </h2>
          {conflict.invoice ? <InvoiceLine invoice={conflict.invoice} /> : null}
          <p className="mt-1 text-xs text-slate-500">
            Raised <time dateTime={conflict.createdAt}>{new Date(conflict.createdAt).toLocaleString()}</time>
          </p>
        </div>
      </header>

      {conflict.reason ? (
        <p className="text-sm text-slate-700" data-testid="conflict-reason">
          <span className="font-medium">Why: </span>
          {conflict.reason}
        </p>
      ) : null}

      {conflict.match ? <MatchBlock conflict={conflict} workspace={workspace} /> : null}
      {conflict.rows.length ? <ValueTable conflict={conflict} onTake={take} busy={busy} /> : null}

      {canResolve && conflict.actions.length ? (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Decisions">
          {can("enter") && !entering ? (
            <button type="button" className={button} disabled={busy} onClick={() => setEntering(true)}>
              Enter a value
            </button>
          ) : null}
          {can("merge") ? (
            <button type="button" className={primary} disabled={busy} onClick={() => void run({ action: "merge" })}>
              Merge duplicates
            </button>
          ) : null}
          {can("confirm") ? (
            <button type="button" className={primary} disabled={busy} onClick={() => void run({ action: "confirm" })}>
              Confirm match
            </button>
          ) : null}
          {can("reject") ? (
            <button type="button" className={button} disabled={busy} onClick={() => void run({ action: "reject" })}>
              Not the same
            </button>
          ) : null}
          {can("ignore") && !ignoreOpen ? (
            <button type="button" className={button} disabled={busy} onClick={() => setIgnoreOpen(true)} aria-keyshortcuts="e">
              Ignore…
            </button>
          ) : null}
          {can("reopen") ? (
            <button type="button" className={button} disabled={busy} onClick={() => void run({ action: "reopen" })}>
              Reopen
            </button>
          ) : null}
        </div>
      ) : null}

      {entering && can("enter") ? (
        <EnterValueForm
          conflict={conflict}
          submit={async (input) => {
            const result = await run(input);
            if (result?.ok) setEntering(false);
            return result;
          }}
          onCancel={() => setEntering(false)}
        />
      ) : null}
      {ignoreOpen && can("ignore") ? (
        <IgnoreForm
          submit={async (input) => {
            const result = await run(input);
            if (result?.ok) setIgnoreOpen(false);
            return result;
          }}
          onCancel={() => setIgnoreOpen(false)}
        />
      ) : null}

      {message ? (
        <p data-testid="conflict-message" className={`rounded-md px-3 py-2 text-sm ${message.ok ? "bg-emerald-50 text-emerald-900" : "bg-red-50 text-red-800"}`}>
          {message.text}
        </p>
      ) : null}
      <Outcome conflict={conflict} workspace={workspace} />
    </article>
  );
}

function InvoiceLine({ invoice }: { invoice: InvoiceSummary }) {
  return (
    <p className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-slate-700">
      <span>{invoice.customer.name ?? "No customer"}</span>
      <span className="font-medium tabular-nums text-slate-900">{formatMoney(invoice.totalMinor, invoice.currency)}</span>
      {invoice.dueDate ? <span className="text-slate-500">due {invoice.dueDate}</span> : null}
      <span className="flex flex-wrap gap-1">
        {invoice.systems.map((chip) => (
          <SystemChip key={`${chip.connectionId}:${chip.externalId}`} system={chip.system} status={chip.status} />
        ))}
      </span>
    </p>
  );
}

/** A duplicate or a possible match: the record, the invoice it started, and the other invoice, side by side. */
function MatchBlock({ conflict, workspace }: { conflict: ConflictView; workspace: string }) {
  const match = conflict.match!;
  const where = systemName(match.record.system);
  const sentence =
    conflict.kind === "DUPLICATE"
      ? `${where} holds this invoice twice: record ${match.record.externalId ?? "?"} duplicates the other invoice.`
      : `${where}'s record ${match.record.externalId ?? "?"} may be the other invoice${match.confidence !== null ? ` (${match.confidence}% alike)` : ""}.`;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-700" data-testid="match-sentence">
        {sentence}
      </p>
      <div className="grid gap-2 sm:grid-cols-2">
        <InvoiceBox heading={conflict.kind === "DUPLICATE" ? "The duplicate" : "This record's invoice"} invoice={conflict.invoice} workspace={workspace} />
        <InvoiceBox heading={conflict.kind === "DUPLICATE" ? "The original (kept)" : "The other invoice"} invoice={match.other} workspace={workspace} />
      </div>
    </div>
  );
}

function InvoiceBox({ heading, invoice, workspace }: { heading: string; invoice: InvoiceSummary | null; workspace: string }) {
  return (
    <section className="rounded-md border border-slate-200 p-3 text-sm" aria-label={heading}>
      <h3 className="text-xs font-semibold uppercase tracking-wide text-slate-500">{heading}</h3>
      {invoice ? (
        <>
          <Link href={`/w/${workspace}/invoices/${invoice.id}`} className="font-medium text-brand-700 underline">
            {invoice.number ?? "Without a number"}
          </Link>
          <InvoiceLine invoice={invoice} />
        </>
      ) : (
        <p className="text-slate-500">No longer exists.</p>
      )}
    </section>
  );
}
