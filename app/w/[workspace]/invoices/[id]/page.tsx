import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatMoney, SYSTEM_LABEL } from "@/components/invoices/format";
import { SideBySide } from "@/components/invoices/side-by-side";
import { StatusBadge } from "@/components/invoices/status-chip";
import { workspacePage } from "@/lib/auth/workspace-page";
import { ApiError } from "@/lib/http/errors";
import { getInvoice } from "@/lib/invoices/detail";

export const metadata: Metadata = { title: "Invoice" };

export default async function InvoicePage({ params }: { params: Promise<{ workspace: string; id: string }> }) {
  const { workspace, id } = await params;
  const ctx = await workspacePage(workspace, "workspace:view");
  const invoice = await getInvoice(ctx, id).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "not_found") notFound();
    throw error;
  });
  const base = `/w/${ctx.workspace.slug}`;

  return (
    <article className="space-y-8">
      <header>
        <Link href={`${base}/invoices`} className="text-sm text-brand-700 underline">
          ← Timeline
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight" data-testid="invoice-number">
            Invoice {invoice.number ?? "without a number"}
          </h1>
          <StatusBadge status={invoice.status} />
          {invoice.disagreement ? (
            <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900" data-testid="invoice-disagreement">
              Systems disagree
            </span>
          ) : null}
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {invoice.customer.name ?? "Unknown customer"} · issued {invoice.issueDate ?? "—"} · due {invoice.dueDate ?? "—"} ·{" "}
          <strong className="text-slate-900">{formatMoney(invoice.totalMinor, invoice.currency)}</strong>, {formatMoney(invoice.amountDueMinor, invoice.currency)} due
        </p>
      </header>

      <section aria-labelledby="systems-heading">
        <h2 id="systems-heading" className="mb-2 text-lg font-semibold">
          In each system
        </h2>
        <SideBySide invoice={invoice} />
      </section>

      {invoice.lines.length > 0 ? (
        <section aria-labelledby="lines-heading">
          <h2 id="lines-heading" className="mb-2 text-lg font-semibold">
            Lines
          </h2>
          <table className="w-full text-sm">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="py-1 font-medium">Description</th>
                <th className="py-1 text-right font-medium">Quantity</th>
                <th className="py-1 text-right font-medium">Unit</th>
                <th className="py-1 text-right font-medium">Amount</th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((line, i) => (
                <tr key={i} className="border-t border-slate-100">
                  <td className="py-1">{line.description}</td>
                  <td className="py-1 text-right tabular-nums">{Number(line.quantity).toString()}</td>
                  <td className="py-1 text-right tabular-nums">{formatMoney(line.unitAmountMinor, invoice.currency)}</td>
                  <td className="py-1 text-right tabular-nums">{formatMoney(line.amountMinor, invoice.currency)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {invoice.conflicts.length > 0 ? (
        <section aria-labelledby="conflicts-heading">
          <h2 id="conflicts-heading" className="mb-2 text-lg font-semibold">
            Conflicts
          </h2>
          <ul className="space-y-1 text-sm">
            {invoice.conflicts.map((c) => (
              <li key={c.id}>
                <Link href={`${base}/conflicts`} className="text-brand-700 underline">
                  {c.kind.toLowerCase().replace("_", " ")}
                </Link>{" "}
                — {c.status.toLowerCase()}, opened {c.createdAt.slice(0, 10)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="history-heading">
        <h2 id="history-heading" className="mb-2 text-lg font-semibold">
          History
        </h2>
        <ol className="space-y-2 border-l border-slate-200 pl-4 text-sm" data-testid="invoice-history">
          {invoice.history.map((event, i) => (
            <li key={i} className="relative">
              <span className="absolute -left-[1.3rem] top-1.5 h-2 w-2 rounded-full bg-slate-400" aria-hidden />
              <time dateTime={event.at} className="mr-2 text-slate-500">
                {event.at.slice(0, 16).replace("T", " ")}
              </time>
              {event.system ? <span className="mr-1 font-medium">{SYSTEM_LABEL[event.system]}</span> : null}
              <span>{event.text}</span>
            </li>
          ))}
        </ol>
      </section>
    </article>
  );
}
