/** Display formatting for the viewer: money from minor units (exact, via decimal strings) and statuses. */
import { toDecimal } from "@/lib/normalize/money";

export function formatMoney(minor: string | bigint, currency: string, locale?: string): string {
  const decimal = toDecimal(BigInt(minor), currency);
  // Intl formats a decimal string exactly (no float on the way); the type definitions lag behind.
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(decimal as unknown as number);
}

export const STATUS_LABEL: Record<string, string> = {
  DRAFT: "Draft",
  OPEN: "Open",
  PARTIALLY_PAID: "Partly paid",
  PAID: "Paid",
  VOID: "Void",
  UNCOLLECTIBLE: "Uncollectible",
  DELETED: "Deleted",
};

export const STATUS_STYLE: Record<string, string> = {
  DRAFT: "bg-slate-100 text-slate-700 ring-slate-300",
  OPEN: "bg-amber-50 text-amber-800 ring-amber-300",
  PARTIALLY_PAID: "bg-sky-50 text-sky-800 ring-sky-300",
  PAID: "bg-emerald-50 text-emerald-800 ring-emerald-300",
  VOID: "bg-zinc-100 text-zinc-600 ring-zinc-300 line-through",
  UNCOLLECTIBLE: "bg-rose-50 text-rose-800 ring-rose-300",
  DELETED: "bg-zinc-100 text-zinc-500 ring-zinc-300 line-through",
};

export const SYSTEM_LABEL: Record<string, string> = { stripe: "Stripe", quickbooks: "QuickBooks", xero: "Xero", hubspot: "HubSpot" };
