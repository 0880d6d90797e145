/**
 * Changing an issued Xero invoice: POST /Invoices/{InvoiceID} with DueDate and/or LineItems (the
 * lines sent replace every line). Xero's rules are checked first, so nothing is written when Xero
 * would refuse: a VOIDED or DELETED invoice changes no more, nor does a PAID one through the API
 * ("Invoice not of valid status for modification"); the lines of an AUTHORISED invoice change only
 * while no payment or credit note is allocated to it ("This document cannot be edited as it has a
 * payment or credit note allocated to it"), while its due date may change either way. New lines
 * are NoTax on the sales account, as Concord writes them on create, so the total becomes theirs.
 * An invoice already showing the patch is answered as it is; otherwise one POST under the
 * caller's Idempotency-Key, which Xero replays for a repeat.
 * https://developer.xero.com/documentation/api/accounting/invoices#post-invoices
 */
import { LineAmountTypes, type Invoice } from "xero-node";
import { ProviderError } from "../errors";
import type { ExternalInvoice, InvoicePatch, WriteOptions } from "../types";
import { alreadyApplied, checkInvoicePatch } from "../updates";
import { parseAnswer, xeroIdempotencyKey, type XeroApi } from "./api";
import { mapInvoice } from "./mappers";
import { invoicesEnvelope } from "./schemas";
import { fetchInvoice, lineItemsFor, type WriteSettings } from "./writes";

const invalid = (message: string, code: string) => new ProviderError("xero", "invalid", message, { code });

export async function updateInvoice(api: XeroApi, settings: WriteSettings, id: string, patch: InvoicePatch, options: WriteOptions): Promise<ExternalInvoice> {
  const update = checkInvoicePatch("xero", patch);
  const current = await fetchInvoice(api, id);
  const label = current.InvoiceNumber?.trim() || current.InvoiceID;
  const status = current.Status.toUpperCase();
  if (status === "VOIDED" || status === "DELETED") throw invalid(`Xero invoice ${label} is ${status.toLowerCase()}: Xero changes it no more`, "invoice_void");
  if (status === "PAID") throw invalid(`Xero invoice ${label} is paid: Xero's API changes no paid invoice`, "invoice_paid");
  const now = mapInvoice(current);
  if (alreadyApplied(now, update)) return now;
  if (update.lines && now.amountPaidMinor > 0n) {
    throw invalid(`Xero invoice ${label} has a payment or credit note allocated to it: Xero changes its lines only when none is`, "payments_applied");
  }
  const changes: Invoice = {};
  if (update.dueDate !== undefined) changes.dueDate = update.dueDate;
  if (update.lines) {
    changes.lineItems = lineItemsFor(update.lines, now.currency, settings);
    changes.lineAmountTypes = LineAmountTypes.NoTax;
  }
  // unitdp=4: unit prices of three-decimal currencies keep their last digit.
  const data = await api.call({ idempotent: true }, (x, t) => x.updateInvoice(t, current.InvoiceID, { invoices: [changes] }, 4, xeroIdempotencyKey(options.idempotencyKey)));
  const updated = parseAnswer(invoicesEnvelope, data, "Invoices").Invoices[0];
  if (!updated) throw new ProviderError("xero", "server", "Xero answered no invoice", { code: "unexpected_response" });
  return mapInvoice(updated);
}
