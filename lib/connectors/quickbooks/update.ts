/**
 * Changing an issued QuickBooks Online invoice: a sparse update of DueDate and/or Line (sending
 * Line replaces every line; QuickBooks recomputes TotalAmt and Balance), with the invoice's
 * current Id and SyncToken. Checked first, so nothing is written otherwise: the patch, a voided
 * invoice (QuickBooks edits no voided transaction), and lines whose total would fall below what
 * was already paid (QuickBooks refuses a total under the payments applied to it). An invoice that
 * already shows the patch is answered as it is, so a repeat after success writes nothing; the
 * write itself carries the caller's requestid, so a repeat in flight gets the first answer.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#sparse-update-an-invoice
 */
import { MoneyError } from "../../normalize/money";
import { ProviderError } from "../errors";
import type { ExternalInvoice, InvoicePatch, ProviderClient, WriteOptions } from "../types";
import { alreadyApplied, checkInvoicePatch } from "../updates";
import { toInvoice } from "./mappers";
import { mapped } from "./request";
import { entityEnvelope, invoiceSchema } from "./schemas";
import { lineAmountMinor, requestIdFor, salesLine, type Reads } from "./writes";

const invalid = (message: string, code: string) => new ProviderError("quickbooks", "invalid", message, { code });

export function createUpdate({ api, mapOptions, fetchEntity }: Reads): Pick<ProviderClient, "updateInvoice"> {
  async function current(id: string) {
    const json = await fetchEntity("Invoice", id);
    if (json === null) throw new ProviderError("quickbooks", "not_found", `QuickBooks has no invoice ${id}`);
    const options = await mapOptions([json]);
    return { invoice: mapped(`Invoice ${id}`, () => invoiceSchema.parse(json)), mapped: mapped(`Invoice ${id}`, () => toInvoice(json, options)) };
  }

  /** The sparse body, or a typed refusal of what QuickBooks would refuse. */
  function bodyFor(invoice: { Id: string; SyncToken: string }, now: ExternalInvoice, patch: InvoicePatch): Record<string, unknown> {
    if (now.status === "VOID") throw invalid(`QuickBooks invoice ${invoice.Id} is void: a voided transaction cannot be edited`, "invoice_void");
    const body: Record<string, unknown> = { Id: invoice.Id, SyncToken: invoice.SyncToken, sparse: true };
    if (patch.dueDate !== undefined) body.DueDate = patch.dueDate;
    if (patch.lines) {
      const total = patch.lines.reduce((sum, line) => sum + lineAmountMinor(line.quantity, line.unitAmountMinor), 0n);
      if (total < now.amountPaidMinor) {
        throw invalid(`The new lines total ${total} but ${now.amountPaidMinor} is already paid on QuickBooks invoice ${invoice.Id}: QuickBooks keeps a total at least what was paid`, "total_below_paid");
      }
      try {
        body.Line = patch.lines.map((line) => salesLine(line, now.currency));
      } catch (error) {
        if (error instanceof MoneyError) throw invalid(error.message, "precision");
        throw error;
      }
    }
    return body;
  }

  return {
    /**
     * Someone saving the invoice between our read and our write makes the SyncToken stale (5010):
     * read again and try once more, under a second requestid, since QuickBooks keeps the stale
     * answer for the first one (as voidInvoice does).
     */
    async updateInvoice(externalId: string, patch: InvoicePatch, options: WriteOptions): Promise<ExternalInvoice> {
      const update = checkInvoicePatch("quickbooks", patch);
      for (let attempt = 1; ; attempt++) {
        const { invoice, mapped: now } = await current(externalId);
        const body = bodyFor(invoice, now, update);
        if (alreadyApplied(now, update)) return now;
        const key = attempt === 1 ? options.idempotencyKey : `${options.idempotencyKey}:refetched`;
        try {
          const answer = await api.call({ method: "POST", path: "/invoice", query: { requestid: requestIdFor(key) }, body, schema: entityEnvelope, idempotent: true });
          if (answer.Invoice === undefined) throw new ProviderError("quickbooks", "invalid", "QuickBooks answered the updated Invoice without the entity", { code: "unexpected_response" });
          return mapped("the updated Invoice", () => toInvoice(answer.Invoice, { homeCurrency: now.currency }));
        } catch (error) {
          if (attempt === 1 && error instanceof ProviderError && error.kind === "stale") continue;
          throw error;
        }
      }
    },
  };
}
