/**
 * Invoices (sales ACCREC and bills ACCPAY): GET list with If-Modified-Since, where, order, IDs,
 * InvoiceNumbers, ContactIDs, Statuses, searchTerm, summaryOnly, unitdp and paging; GET one by
 * InvoiceID or InvoiceNumber; PUT creates, POST creates or updates, POST /Invoices/{id} updates.
 * https://developer.xero.com/documentation/api/accounting/invoices
 */
import type { SandboxRequest } from "../core/http";
import type { ApiContext, ApiRoutes } from "../core/sandbox";
import { batchWrite } from "./batch";
import { ymdToMs } from "./dates";
import { notFound } from "./errors";
import { findInvoice, invoicePlanner, type PlanOptions } from "./invoice-plan";
import { listRecords } from "./listing";
import { fromUnits } from "./money";
import { type Fields, listParam } from "./query";
import { invoiceInput } from "./schemas";
import { entry, type InvoiceRecord, type XeroData } from "./types";
import { envelope, wireInvoice } from "./wire";

const BASE = "/api.xro/2.0";

export function unitdp(req: SandboxRequest): 2 | 4 {
  return req.query.get("unitdp") === "4" ? 4 : 2;
}

function invoiceFields(data: XeroData): Fields<InvoiceRecord> {
  const money = (cents: number) => fromUnits(cents, 2);
  return {
    invoiceid: (i) => i.InvoiceID,
    invoicenumber: (i) => i.InvoiceNumber,
    type: (i) => i.Type,
    status: (i) => i.Status,
    reference: (i) => i.Reference,
    "contact.contactid": (i) => i.ContactID,
    "contact.name": (i) => data.contacts[i.ContactID]?.Name ?? null,
    date: (i) => ymdToMs(i.Date),
    duedate: (i) => (i.DueDate ? ymdToMs(i.DueDate) : null),
    fullypaidondate: (i) => (i.FullyPaidOnDate ? ymdToMs(i.FullyPaidOnDate) : null),
    updateddateutc: (i) => i.UpdatedDateUTC,
    currencycode: (i) => i.CurrencyCode,
    lineamounttypes: (i) => i.LineAmountTypes,
    senttocontact: (i) => i.SentToContact,
    subtotal: (i) => money(i.subTotal),
    totaltax: (i) => money(i.totalTax),
    total: (i) => money(i.total),
    amountdue: (i) => money(i.amountDue),
    amountpaid: (i) => money(i.amountPaid),
    amountcredited: (i) => money(i.amountCredited),
  };
}

function listInvoices(req: SandboxRequest, ctx: ApiContext<XeroData>) {
  const { data } = ctx;
  const ids = listParam(req.query, "IDs");
  const numbers = listParam(req.query, "InvoiceNumbers");
  const contactIds = listParam(req.query, "ContactIDs");
  const statuses = listParam(req.query, "Statuses");
  const records = ids ? ids.flatMap((id) => entry(data.invoices, id.toLowerCase()) ?? []) : Object.values(data.invoices);
  const filters: ((i: InvoiceRecord) => boolean)[] = [];
  if (numbers) {
    const set = new Set(numbers.map((n) => n.toLowerCase()));
    filters.push((i) => set.has(i.InvoiceNumber.toLowerCase()));
  }
  if (contactIds) {
    const set = new Set(contactIds.map((n) => n.toLowerCase()));
    filters.push((i) => set.has(i.ContactID));
  }
  if (statuses) {
    const set = new Set(statuses.map((n) => n.toUpperCase()));
    filters.push((i) => set.has(i.Status));
  }
  const result = listRecords(req, records, {
    typeName: "Invoice",
    fields: invoiceFields(data),
    updatedAt: (i) => i.UpdatedDateUTC,
    filters,
    search: (i, term) => i.InvoiceNumber.toLowerCase().includes(term) || i.Reference.toLowerCase().includes(term),
  });
  if (!result.ok) return result.response;
  // Line items come with paged answers only; summaryOnly drops the heavy fields altogether.
  const view = { lineItems: !!result.pagination, unitdp: unitdp(req), summaryOnly: req.query.get("summaryOnly")?.toLowerCase() === "true" };
  return envelope("Invoices", result.items.map((i) => wireInvoice(i, data, view)), ctx.sandbox.clock.now(), result.pagination);
}

export function invoiceRoutes(api: ApiRoutes<XeroData>): void {
  const spec = (req: SandboxRequest, ctx: ApiContext<XeroData>, mode: PlanOptions["mode"], targetId?: string) =>
    ({ collection: "Invoices", entity: "Invoice", schema: invoiceInput, errorFlag: "HasErrors", plan: invoicePlanner(ctx, { mode, unitdp: unitdp(req), targetId }) }) as const;

  api
    .add("GET", `${BASE}/Invoices`, listInvoices)
    .add("GET", `${BASE}/Invoices/:id`, (req, ctx) => {
      const invoice = findInvoice(ctx.data, req.params.id ?? "");
      if (!invoice) return notFound();
      return envelope("Invoices", [wireInvoice(invoice, ctx.data, { lineItems: true, unitdp: unitdp(req) })], ctx.sandbox.clock.now());
    })
    .add("PUT", `${BASE}/Invoices`, (req, ctx) => batchWrite(req, ctx, spec(req, ctx, "create")))
    .add("POST", `${BASE}/Invoices`, (req, ctx) => batchWrite(req, ctx, spec(req, ctx, "upsert")))
    .add("POST", `${BASE}/Invoices/:id`, (req, ctx) => {
      const invoice = findInvoice(ctx.data, req.params.id ?? "");
      return invoice ? batchWrite(req, ctx, spec(req, ctx, "upsert", invoice.InvoiceID)) : notFound();
    });
}
