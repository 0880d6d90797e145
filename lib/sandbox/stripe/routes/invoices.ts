/**
 * Invoices: create (a draft; pending invoice items join only with
 * `pending_invoice_items_behavior=include`, the default being `exclude`), retrieve, update (drafts
 * freely; finalized invoices only their metadata and auto_advance), list, delete a draft, lines.
 * https://docs.stripe.com/api/invoices
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { changes, copy } from "../context";
import { fail } from "../errors";
import { attachItem } from "../lifecycle";
import { listOf, mustFind } from "../listing";
import { newInvoice } from "../objects";
import { bool, currency, expand, int, listParams, mergeMetadata, metadata, oneOf, range, inRange, str, unsettable } from "../params";
import { route } from "../route";
import { insert, remove } from "../table";
import type { Invoice, StripeData } from "../types";

const ignored = z.unknown().optional();
const unmodelled = {
  account_tax_ids: ignored,
  application_fee_amount: ignored,
  automatic_tax: ignored,
  automatically_finalizes_at: ignored,
  custom_fields: ignored,
  default_payment_method: ignored,
  default_source: ignored,
  default_tax_rates: ignored,
  discounts: ignored,
  issuer: ignored,
  on_behalf_of: ignored,
  payment_settings: ignored,
  rendering: ignored,
  shipping_cost: ignored,
  shipping_details: ignored,
  transfer_data: ignored,
};
const editable = {
  auto_advance: bool().optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"] as const).optional(),
  days_until_due: int({ min: 0, max: 3650 }).optional(),
  due_date: int({ min: 0 }).optional(),
  description: unsettable(1500).optional(),
  footer: unsettable(5000).optional(),
  metadata: metadata(),
  number: unsettable(26).optional(),
  statement_descriptor: unsettable(22).optional(),
  effective_at: int({ min: 0 }).optional(),
  expand: expand(),
};
const createSchema = z.strictObject({
  ...editable,
  ...unmodelled,
  customer: str(),
  currency: currency().optional(),
  pending_invoice_items_behavior: oneOf(["exclude", "include"] as const).optional(),
  customer_account: ignored,
  from_invoice: ignored,
  subscription: ignored,
});
const updateSchema = z.strictObject({ ...editable, ...unmodelled });
const listSchema = z.strictObject({
  ...listParams,
  customer: str().optional(),
  status: oneOf(["draft", "open", "paid", "uncollectible", "void"] as const).optional(),
  collection_method: oneOf(["charge_automatically", "send_invoice"] as const).optional(),
  created: range(),
  due_date: range(),
  subscription: ignored,
  customer_account: ignored,
});
const lineListSchema = z.strictObject(listParams);

/** `due_date` applies to send_invoice invoices only, from itself or `days_until_due`. */
function dueDate(method: Invoice["collection_method"], p: { due_date?: number; days_until_due?: number }, from: number, keeping = false): number | null {
  // Stripe refuses a due date that has passed (a kept one may have passed since it was set).
  if (p.due_date !== undefined && p.due_date <= from && !keeping) throw fail.invalidParam("due_date", "Invalid timestamp: must be an integer Unix timestamp in the future.");
  const due = p.due_date ?? (p.days_until_due !== undefined ? from + p.days_until_due * 86_400 : undefined);
  if (method === "charge_automatically") {
    if (due !== undefined) throw fail.invalidParam(p.due_date !== undefined ? "due_date" : "days_until_due", "You can only set `due_date` or `days_until_due` when `collection_method` is `send_invoice`.");
    return null;
  }
  if (due === undefined) throw fail.missingParam("days_until_due");
  return due;
}

const AFTER_FINALIZE = new Set(["metadata", "auto_advance", "expand"]);

export function invoiceRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "POST",
      "/v1/invoices",
      route(createSchema, (ctx, p) => {
        const customer = mustFind(ctx.data.customers, "customer", p.customer, "customer");
        const method = p.collection_method ?? "charge_automatically";
        const cur = p.currency ?? customer.currency ?? "usd";
        const inv = newInvoice(ctx, customer, {
          currency: cur,
          collection_method: method,
          due_date: dueDate(method, p, ctx.now),
          description: p.description,
          footer: p.footer,
          metadata: mergeMetadata({}, p.metadata),
          number: p.number,
          auto_advance: p.auto_advance,
          statement_descriptor: p.statement_descriptor,
        });
        if (p.effective_at !== undefined) inv.effective_at = p.effective_at;
        insert(ctx.data.invoices, inv);
        if (p.pending_invoice_items_behavior === "include") {
          for (const id of ctx.data.invoiceItems.order) {
            const item = ctx.data.invoiceItems.byId[id]!;
            if (item.customer === customer.id && item.invoice === null && item.currency === cur) attachItem(ctx, inv, item);
          }
        }
        ctx.emit("invoice.created", inv);
        return inv;
      }),
    )
    .add("GET", "/v1/invoices/:id", route(z.strictObject({ expand: expand() }), (ctx, _p, req) => mustFind(ctx.data.invoices, "invoice", req.params.id!)))
    .add(
      "POST",
      "/v1/invoices/:id",
      route(updateSchema, (ctx, p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        if (inv.status !== "draft") {
          const field = Object.keys(p).find((k) => (p as Record<string, unknown>)[k] !== undefined && !AFTER_FINALIZE.has(k));
          if (field) throw fail.invalidParam(field, `You can't change \`${field}\` on an invoice that is ${inv.status}; only metadata and auto_advance can change after finalization.`, "invoice_not_editable");
        }
        const before = copy(inv);
        if (p.collection_method !== undefined || p.due_date !== undefined || p.days_until_due !== undefined) {
          inv.collection_method = p.collection_method ?? inv.collection_method;
          const keep = p.due_date === undefined && p.days_until_due === undefined && inv.due_date !== null;
          inv.due_date = dueDate(inv.collection_method, keep ? { due_date: inv.due_date! } : p, ctx.now, keep);
        }
        if (p.auto_advance !== undefined) inv.auto_advance = p.auto_advance;
        if (p.description !== undefined) inv.description = p.description;
        if (p.footer !== undefined) inv.footer = p.footer;
        if (p.number !== undefined) inv.number = p.number;
        if (p.statement_descriptor !== undefined) inv.statement_descriptor = p.statement_descriptor;
        if (p.effective_at !== undefined) inv.effective_at = p.effective_at;
        inv.metadata = mergeMetadata(inv.metadata ?? {}, p.metadata);
        const previous = changes(before, inv);
        if (previous) ctx.emit("invoice.updated", inv, previous);
        return inv;
      }),
    )
    .add(
      "DELETE",
      "/v1/invoices/:id",
      route(z.strictObject({}), (ctx, _p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        if (inv.status !== "draft") throw fail.state("You can only delete draft invoices. Void finalized invoices instead.", "invoice_not_editable");
        for (const line of inv.lines.data) {
          const itemId = line.parent?.invoice_item_details?.invoice_item;
          if (itemId) remove(ctx.data.invoiceItems, itemId);
        }
        remove(ctx.data.invoices, inv.id);
        delete ctx.data.paymentsByInvoice[inv.id];
        ctx.emit("invoice.deleted", inv);
        return { id: inv.id, object: "invoice", deleted: true };
      }),
    )
    .add(
      "GET",
      "/v1/invoices",
      route(listSchema, (ctx, p) =>
        listOf(ctx.data.invoices, "invoice", p, "/v1/invoices", (inv) => {
          if (p.customer !== undefined && inv.customer !== p.customer) return false;
          if (p.status !== undefined && inv.status !== p.status) return false;
          if (p.collection_method !== undefined && inv.collection_method !== p.collection_method) return false;
          return inRange(inv.created, p.created) && (p.due_date === undefined || inRange(inv.due_date, p.due_date));
        }),
      ),
    )
    .add(
      "GET",
      "/v1/invoices/:id/lines",
      route(lineListSchema, (ctx, p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        const lines = inv.lines.data;
        const limit = p.limit ?? 10;
        const cursor = p.starting_after ?? p.ending_before;
        const at = cursor === undefined ? -1 : lines.findIndex((l) => l.id === cursor);
        if (cursor !== undefined && at < 0) throw fail.noSuch("line item", cursor, p.starting_after !== undefined ? "starting_after" : "ending_before");
        const start = p.ending_before !== undefined ? Math.max(0, at - limit) : at + 1;
        const end = p.ending_before !== undefined ? at : Math.min(lines.length, start + limit);
        const hasMore = p.ending_before !== undefined ? start > 0 : end < lines.length;
        return { object: "list", data: lines.slice(start, end), has_more: hasMore, url: `/v1/invoices/${inv.id}/lines` };
      }),
    );
}
