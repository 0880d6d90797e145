/**
 * Canonical invoice statuses (DRAFT, OPEN, PARTIALLY_PAID, PAID, VOID, UNCOLLECTIBLE) from each
 * provider's own, one table per provider. A provider status maps to a canonical one outright, or,
 * where the provider has no word for a partial payment, through the balances (bigint minor units).
 * A status a table does not know is an error, never a guess.
 */
import type { InvoiceStatus } from "../connectors/types";

export const INVOICE_STATUSES = ["DRAFT", "OPEN", "PARTIALLY_PAID", "PAID", "VOID", "UNCOLLECTIBLE"] as const satisfies readonly InvoiceStatus[];

export class StatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StatusError";
  }
}

/** What has been paid (or credited) and what is still due, in minor units. */
export type Balances = { paid: bigint; due: bigint };
type Rule = InvoiceStatus | ((balances: Balances) => InvoiceStatus);
type Table = Readonly<Record<string, Rule>>;

/** An invoice the provider calls open is PARTIALLY_PAID once something is paid and something is still due. */
export function openByBalance({ paid, due }: Balances): InvoiceStatus {
  return paid > 0n && due > 0n ? "PARTIALLY_PAID" : "OPEN";
}

/** For providers without a status: paid in full when nothing is due and something was paid. */
export function settledByBalance({ paid, due }: Balances): InvoiceStatus {
  if (paid <= 0n) return "OPEN";
  return due > 0n ? "PARTIALLY_PAID" : "PAID";
}

function lookup(table: Table, provider: string, status: string, balances: Balances): InvoiceStatus {
  // hasOwn, not `in`: "constructor" or "toString" must be unknown statuses, not prototype members.
  if (!Object.hasOwn(table, status)) {
    throw new StatusError(`Unknown ${provider} invoice status "${status}" (Concord knows ${Object.keys(table).join(", ")})`);
  }
  const rule = table[status]!;
  return typeof rule === "function" ? rule(balances) : rule;
}

/**
 * Stripe `invoice.status`. Since API 2025-03-31.basil an open invoice can hold several partial
 * payments, so open splits by amount_paid / amount_remaining; the other statuses are final words.
 * https://docs.stripe.com/invoicing/overview#invoice-statuses
 */
export const STRIPE_STATUSES: Table = {
  draft: "DRAFT",
  open: openByBalance,
  paid: "PAID",
  void: "VOID",
  uncollectible: "UNCOLLECTIBLE",
};

export function stripeStatus(invoice: { status: string; amountPaid: bigint; amountRemaining: bigint }): InvoiceStatus {
  return lookup(STRIPE_STATUSES, "Stripe", invoice.status.trim().toLowerCase(), { paid: invoice.amountPaid, due: invoice.amountRemaining });
}

/**
 * QuickBooks Online invoices have no status field: an invoice is voided (the mapper's isVoided:
 * amounts zeroed and "Voided" in PrivateNote) or live, and a live one is read from Balance
 * against TotalAmt. There are no drafts; a zero invoice is OPEN (nothing paid).
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 */
export const QUICKBOOKS_STATUSES: Table = {
  voided: "VOID",
  live: settledByBalance,
};

export function quickbooksStatus(invoice: { total: bigint; balance: bigint; voided: boolean }): InvoiceStatus {
  return lookup(QUICKBOOKS_STATUSES, "QuickBooks", invoice.voided ? "voided" : "live", { paid: invoice.total - invoice.balance, due: invoice.balance });
}

/**
 * Xero `Status` (upper case on the wire; read case-insensitively). DRAFT and SUBMITTED (waiting
 * for approval inside Xero, not yet owed) are drafts to Concord; AUTHORISED is owed, partly paid
 * once AmountPaid + AmountCredited is positive while AmountDue is left. DELETED only happens to
 * drafts: VOID here, and the mapper flags the record deleted.
 * https://developer.xero.com/documentation/api/accounting/types#invoice-status-codes
 */
export const XERO_STATUSES: Table = {
  DRAFT: "DRAFT",
  SUBMITTED: "DRAFT",
  AUTHORISED: openByBalance,
  PAID: "PAID",
  VOIDED: "VOID",
  DELETED: "VOID",
};

/** `amountPaid` is what settled the invoice: AmountPaid plus AmountCredited (credit notes allocated). */
export function xeroStatus(invoice: { status: string; amountPaid: bigint; amountDue: bigint }): InvoiceStatus {
  return lookup(XERO_STATUSES, "Xero", invoice.status.trim().toUpperCase(), { paid: invoice.amountPaid, due: invoice.amountDue });
}

/**
 * HubSpot `hs_invoice_status` (internal values). HubSpot has no partial status: an open invoice
 * with hs_amount_paid > 0 and hs_balance_due > 0 is PARTIALLY_PAID. An invoice without the
 * property is a draft, HubSpot's default.
 * https://knowledge.hubspot.com/payments/hubspots-default-invoice-properties
 */
export const HUBSPOT_STATUSES: Table = {
  draft: "DRAFT",
  open: openByBalance,
  paid: "PAID",
  voided: "VOID",
};

export function hubspotStatus(invoice: { status: string | null | undefined; amountPaid: bigint; balanceDue: bigint }): InvoiceStatus {
  const status = invoice.status?.trim().toLowerCase() || "draft";
  return lookup(HUBSPOT_STATUSES, "HubSpot", status, { paid: invoice.amountPaid, due: invoice.balanceDue });
}
