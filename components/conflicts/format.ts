/** How the conflict inbox names kinds, systems and fields, and shows each system's value. */
import type { ConflictKind, ValueRow } from "@/lib/conflicts/schemas";
import { formatMoney, STATUS_LABEL, SYSTEM_LABEL } from "@/components/invoices/format";

export const KIND_LABEL: Record<ConflictKind, string> = {
  STATUS: "Status",
  AMOUNT: "Amount",
  CURRENCY: "Currency",
  DATE: "Date",
  CUSTOMER: "Customer",
  DUPLICATE: "Duplicate",
  MISSING: "Missing",
  POSSIBLE_MATCH: "Possible match",
  OTHER: "Other",
};

/** The kind groups the inbox offers, in order ("All" comes first, outside this list). */
export const KIND_TABS: ConflictKind[] = ["STATUS", "AMOUNT", "CURRENCY", "DATE", "CUSTOMER", "DUPLICATE", "MISSING", "POSSIBLE_MATCH"];

export const STATUS_FILTERS = [
  { value: "OPEN", label: "Open" },
  { value: "RESOLVED", label: "Resolved" },
  { value: "IGNORED", label: "Ignored" },
] as const;

export const FIELD_LABEL: Record<string, string> = {
  totalMinor: "total",
  dueDate: "due date",
  status: "status",
  currency: "currency",
  customerName: "customer name",
  presence: "presence",
};

export function systemName(system: string | null | undefined): string {
  if (!system) return "Another system";
  return system === "concord" ? "Concord" : (SYSTEM_LABEL[system] ?? system);
}

/** "QuickBooks' value", "Stripe's value". */
export function possessive(name: string): string {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

/** One system's value as people read it: money in the invoice's currency, statuses by name, presence as held or missing. */
export function formatValue(field: string | null, row: Pick<ValueRow, "system" | "value">, currency: string | null): string {
  const { value } = row;
  if (field === "presence") {
    if (row.system === "concord") return value ? `Invoice ${value}` : "—";
    return value ? `Holds it (${value})` : "Missing";
  }
  if (value === null || value === "") return "—";
  if (field === "totalMinor" && currency && /^-?\d+$/.test(value)) {
    try {
      return formatMoney(value, currency);
    } catch {
      return `${value} (minor units)`;
    }
  }
  if (field === "status") return STATUS_LABEL[value] ?? value;
  return value;
}
