/**
 * The canonical invoice from the records linked to it: each group of fields comes from the first
 * system in that group's order that holds the invoice (the source of truth), and the chips say
 * what every system shows. Pure: the same records give the same values and fingerprint.
 *
 * Three field groups, each with its own order (the workspace's sync rules, lib/sync/rules.ts):
 * payments (status, paid, due), the header (number, dates, customer, currency) and the lines with
 * the totals. Defaults: payments from the payment gateway, header and lines from the accounting
 * system, the CRM last.
 */
import { createHash } from "node:crypto";
import type { InvoiceStatus } from "../connectors/types";

export type ProviderName = "STRIPE" | "QUICKBOOKS" | "XERO" | "HUBSPOT";

export type FieldGroup = "payments" | "header" | "lines";

/** For each field group, the systems in the order they win. */
export type SourceRules = Record<FieldGroup, ProviderName[]>;

export const PROVIDER_NAMES: ProviderName[] = ["STRIPE", "QUICKBOOKS", "XERO", "HUBSPOT"];

export const DEFAULT_RULES: SourceRules = {
  payments: ["STRIPE", "QUICKBOOKS", "XERO", "HUBSPOT"],
  header: ["QUICKBOOKS", "XERO", "STRIPE", "HUBSPOT"],
  lines: ["QUICKBOOKS", "XERO", "STRIPE", "HUBSPOT"],
};

/** Rules where `winners` name the system that wins each group; the defaults order the rest. */
export function rulesFrom(winners: Partial<Record<FieldGroup, ProviderName>>): SourceRules {
  const order = (group: FieldGroup) => {
    const winner = winners[group];
    return winner ? [winner, ...DEFAULT_RULES[group].filter((p) => p !== winner)] : DEFAULT_RULES[group];
  };
  return { payments: order("payments"), header: order("header"), lines: order("lines") };
}

/** An invoice record's snapshot as stored (bigints as decimal strings). */
export type InvoiceSnapshot = {
  externalId: string;
  /** ISO instant of the provider's last change. */
  updatedAt: string;
  deleted: boolean;
  number: string | null;
  customerExternalId: string | null;
  currency: string;
  totalMinor: string;
  amountPaidMinor: string;
  amountDueMinor: string;
  status: InvoiceStatus;
  issueDate: string | null;
  dueDate: string | null;
  paidDate: string | null;
  memo: string | null;
  lines: { description: string; quantity: string; unitAmountMinor: string; amountMinor: string }[];
};

export type LinkedRecord = {
  recordId: string;
  connectionId: string;
  provider: ProviderName;
  snapshot: InvoiceSnapshot;
  /** The canonical customer the record's customer is linked to. */
  customerId: string | null;
  customerName: string | null;
};

export type Chip = {
  connectionId: string;
  provider: ProviderName;
  externalId: string;
  number: string | null;
  status: InvoiceStatus | "DELETED";
  currency: string;
  totalMinor: string;
  amountPaidMinor: string;
  dueDate: string | null;
};

export type CanonicalInvoice = {
  number: string | null;
  customerId: string | null;
  customerName: string | null;
  currency: string;
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  amountPaidMinor: bigint;
  amountDueMinor: bigint;
  status: InvoiceStatus;
  issueDate: string | null;
  dueDate: string | null;
  paidDate: string | null;
  memo: string | null;
  lines: { description: string; quantity: string; unitAmountMinor: bigint; amountMinor: bigint }[];
  systems: Chip[];
  providers: ProviderName[];
  /** The fields on which the systems holding the invoice disagree. */
  differences: string[];
  fingerprint: string;
};

/** Fields compared across systems; a difference in any marks the invoice on the timeline. */
const COMPARED = ["status", "currency", "totalMinor", "amountPaidMinor", "dueDate"] as const;

function firstBy(order: ProviderName[], records: LinkedRecord[]): LinkedRecord {
  const rank = (r: LinkedRecord) => {
    const at = order.indexOf(r.provider);
    return at === -1 ? order.length : at;
  };
  return records.reduce((best, r) => {
    const diff = rank(r) - rank(best);
    return diff < 0 || (diff === 0 && r.connectionId < best.connectionId) ? r : best;
  });
}

export function chipOf(record: LinkedRecord): Chip {
  const s = record.snapshot;
  return {
    connectionId: record.connectionId,
    provider: record.provider,
    externalId: s.externalId,
    number: s.number,
    status: s.deleted ? "DELETED" : s.status,
    currency: s.currency,
    totalMinor: s.totalMinor,
    amountPaidMinor: s.amountPaidMinor,
    dueDate: s.dueDate,
  };
}

/** Systems with no draft state: an invoice exists there only once issued, so their OPEN may be another's DRAFT. */
const WITHOUT_DRAFTS = new Set<ProviderName>(["QUICKBOOKS"]);

/**
 * The compared fields on which the chips disagree. What a system cannot express is not a
 * disagreement: a draft elsewhere is open in QuickBooks, and a void invoice's amounts (QuickBooks
 * zeroes them) are not compared.
 */
export function differencesOf(chips: Chip[]): string[] {
  const live = chips.filter((c) => c.status !== "DELETED");
  if (live.length < 2) return [];
  const foldDrafts = live.some((c) => WITHOUT_DRAFTS.has(c.provider));
  const status = (c: Chip) => (foldDrafts && c.status === "DRAFT" ? "OPEN" : c.status);
  const differences: string[] = [];
  if (new Set(live.map(status)).size > 1) differences.push("status");
  const issued = live.filter((c) => c.status !== "VOID");
  for (const field of COMPARED.filter((f) => f !== "status")) {
    if (new Set(issued.map((c) => c[field] ?? "")).size > 1) differences.push(field);
  }
  return differences;
}

/** The canonical values of an invoice; `records` must hold at least one record. */
export function canonicalInvoice(records: LinkedRecord[], rules: SourceRules = DEFAULT_RULES): CanonicalInvoice {
  if (records.length === 0) throw new Error("An invoice needs at least one record");
  const ordered = [...records].sort((a, b) => (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0));
  const live = ordered.filter((r) => !r.snapshot.deleted);
  const pool = live.length > 0 ? live : ordered;
  const header = firstBy(rules.header, pool);
  // Amounts only make sense in the invoice's currency: the other groups choose among the records
  // in the header's currency (the header's own record always qualifies).
  const sameCurrency = pool.filter((r) => r.snapshot.currency === header.snapshot.currency);
  const payments = firstBy(rules.payments, sameCurrency);
  const itemized = firstBy(rules.lines, sameCurrency);
  const d = header.snapshot;
  const p = payments.snapshot;
  const l = itemized.snapshot;
  const lines = l.lines.map((line) => ({ description: line.description, quantity: line.quantity, unitAmountMinor: BigInt(line.unitAmountMinor), amountMinor: BigInt(line.amountMinor) }));
  const totalMinor = BigInt(l.totalMinor);
  const subtotalMinor = lines.reduce((sum, l) => sum + l.amountMinor, 0n);
  const systems = ordered.map(chipOf);
  const values = {
    number: d.number,
    customerId: header.customerId,
    customerName: header.customerName,
    currency: d.currency,
    subtotalMinor,
    taxMinor: totalMinor - subtotalMinor > 0n ? totalMinor - subtotalMinor : 0n,
    totalMinor,
    amountPaidMinor: BigInt(p.amountPaidMinor),
    amountDueMinor: BigInt(p.amountDueMinor),
    status: p.status,
    // The timeline is ordered by issue date: a record without one (a draft) sorts by its last change.
    issueDate: d.issueDate ?? d.updatedAt.slice(0, 10),
    dueDate: d.dueDate,
    paidDate: p.paidDate,
    memo: d.memo,
    lines,
    systems,
    providers: [...new Set(ordered.map((r) => r.provider))].sort(),
    differences: differencesOf(systems),
  };
  // `values` is built above in one fixed key order, so plain JSON is a stable serialization.
  const fingerprint = createHash("sha256")
    .update(JSON.stringify(values, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))
    .digest("hex");
  return { ...values, fingerprint };
}
