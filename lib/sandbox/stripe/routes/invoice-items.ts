/**
 * Invoice items: one-off charges for a customer, pending until an invoice picks them up, or put
 * straight on a draft invoice with `invoice`. Amount from `amount`, or a unit amount
 * (`unit_amount_decimal`, `price_data[unit_amount]`) times `quantity`.
 * https://docs.stripe.com/api/invoiceitems
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { changes, copy, type Ctx } from "../context";
import { fail } from "../errors";
import { attachItem, detachItem } from "../lifecycle";
import { listOf, mustFind } from "../listing";
import { timesQuantity } from "../money";
import { newInvoiceItem } from "../objects";
import { bool, currency, decimal, expand, int, listParams, mergeMetadata, metadata, range, inRange, str, unsettable } from "../params";
import { route } from "../route";
import { insert, remove } from "../table";
import type { InvoiceItem, StripeData } from "../types";

const ignored = z.unknown().optional();
const priceData = z.strictObject({ currency: currency(), product: str(), unit_amount: int().optional(), unit_amount_decimal: decimal().optional(), tax_behavior: ignored });
const amountFields = { amount: int().optional(), unit_amount_decimal: decimal().optional(), quantity: int({ min: 0 }).optional(), price_data: priceData.optional(), pricing: z.strictObject({ price: str() }).optional() };
const common = { description: unsettable().optional(), metadata: metadata(), discountable: bool().optional(), period: z.strictObject({ start: int(), end: int() }).optional(), expand: expand() };
const unmodelled = { discounts: ignored, tax_behavior: ignored, tax_code: ignored, tax_rates: ignored, quantity_decimal: ignored };

const createSchema = z.strictObject({ ...amountFields, ...common, ...unmodelled, customer: str(), invoice: str().optional(), currency: currency().optional(), subscription: ignored, customer_account: ignored });
const updateSchema = z.strictObject({ ...amountFields, ...common, ...unmodelled });
type AmountParams = Pick<z.output<typeof createSchema>, "amount" | "unit_amount_decimal" | "quantity" | "price_data" | "pricing">;

/** The item's amount, unit amount and quantity from whichever way the request priced it. */
function pricing(p: AmountParams, required: boolean): { amount: number; unit: string; quantity: number; product?: string } | null {
  const given = (["amount", "unit_amount_decimal", "price_data", "pricing"] as const).filter((k) => p[k] !== undefined);
  if (given.length > 1) throw fail.invalidParam(given[1]!, `You may only specify one of these parameters: ${given.join(", ")}.`, "parameters_exclusive");
  if (p.pricing) throw fail.noSuch("price", p.pricing.price, "pricing[price]");
  const quantity = p.quantity ?? 1;
  if (p.amount !== undefined) {
    if (quantity !== 1) throw fail.invalidParam("quantity", "When `amount` is given the quantity must be 1; pass `unit_amount_decimal` with `quantity` instead.");
    return { amount: p.amount, unit: String(p.amount), quantity: 1 };
  }
  const unit = p.unit_amount_decimal ?? p.price_data?.unit_amount_decimal ?? (p.price_data?.unit_amount !== undefined ? String(p.price_data.unit_amount) : undefined);
  if (p.price_data && unit === undefined) throw fail.missingParam("price_data[unit_amount]");
  if (unit === undefined) {
    if (required) throw fail.missingParam("amount");
    return null;
  }
  return { amount: timesQuantity(unit, quantity), unit, quantity, product: p.price_data?.product };
}

function editableInvoice(ctx: Ctx, item: InvoiceItem) {
  const inv = item.invoice ? ctx.data.invoices.byId[item.invoice as string] : undefined;
  if (inv && inv.status !== "draft") throw fail.state(`The invoice item ${item.id} is on a finalized invoice and can no longer be changed.`, "invoice_not_editable");
  return inv;
}

export function invoiceItemRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "POST",
      "/v1/invoiceitems",
      route(createSchema, (ctx, p) => {
        const customer = mustFind(ctx.data.customers, "customer", p.customer, "customer");
        const inv = p.invoice !== undefined ? mustFind(ctx.data.invoices, "invoice", p.invoice, "invoice") : undefined;
        if (inv && inv.status !== "draft") throw fail.invalidParam("invoice", `You can only add invoice items to draft invoices; ${inv.id} is ${inv.status}.`, "invoice_not_editable");
        if (inv && inv.customer !== customer.id) throw fail.invalidParam("invoice", `The invoice ${inv.id} belongs to customer ${String(inv.customer)}, not ${customer.id}.`);
        const cur = p.currency ?? p.price_data?.currency ?? inv?.currency ?? customer.currency ?? "usd";
        if (inv && cur !== inv.currency) throw fail.invalidParam("currency", `The currency of the invoice item (${cur}) must match the currency of the invoice (${inv.currency}).`);
        const priced = pricing(p, true)!;
        const item = newInvoiceItem(ctx, {
          customer: customer.id,
          currency: cur,
          amount: priced.amount,
          quantity: priced.quantity,
          unit_amount_decimal: priced.unit,
          description: p.description ?? null,
          invoice: null,
          metadata: mergeMetadata({}, p.metadata),
          ...(priced.product ? { price: { price: ctx.id("price"), product: priced.product } } : {}),
        });
        if (p.discountable !== undefined) item.discountable = p.discountable;
        if (p.period) item.period = p.period;
        customer.currency ??= cur;
        insert(ctx.data.invoiceItems, item);
        ctx.emit("invoiceitem.created", item);
        if (inv) {
          const before = copy(inv);
          attachItem(ctx, inv, item);
          ctx.emit("invoice.updated", inv, changes(before, inv));
        }
        return item;
      }),
    )
    .add("GET", "/v1/invoiceitems/:id", route(z.strictObject({ expand: expand() }), (ctx, _p, req) => mustFind(ctx.data.invoiceItems, "invoiceitem", req.params.id!)))
    .add(
      "POST",
      "/v1/invoiceitems/:id",
      route(updateSchema, (ctx, p, req) => {
        const item = mustFind(ctx.data.invoiceItems, "invoiceitem", req.params.id!);
        const inv = editableInvoice(ctx, item);
        if (p.amount !== undefined || p.unit_amount_decimal !== undefined || p.price_data || p.pricing || p.quantity !== undefined) {
          // A new quantity alone keeps the unit amount; a new amount or unit amount replaces it.
          const keepUnit = p.amount === undefined && p.unit_amount_decimal === undefined && !p.price_data && !p.pricing;
          const unit = keepUnit ? (item.pricing?.unit_amount_decimal ?? String(item.amount)) : p.unit_amount_decimal;
          const priced = pricing({ ...p, unit_amount_decimal: unit, quantity: p.quantity ?? (p.amount === undefined ? item.quantity : undefined) }, true)!;
          Object.assign(item, { amount: priced.amount, net_amount: priced.amount, quantity: priced.quantity, quantity_decimal: String(priced.quantity) });
          item.pricing = { ...item.pricing, type: "price_details", unit_amount_decimal: priced.unit };
        }
        if (p.description !== undefined) item.description = p.description;
        if (p.discountable !== undefined) item.discountable = p.discountable;
        if (p.period) item.period = p.period;
        item.metadata = mergeMetadata(item.metadata ?? {}, p.metadata);
        if (inv) {
          const before = copy(inv);
          detachItem(inv, item.id);
          attachItem(ctx, inv, item);
          ctx.emit("invoice.updated", inv, changes(before, inv));
        }
        return item;
      }),
    )
    .add(
      "DELETE",
      "/v1/invoiceitems/:id",
      route(z.strictObject({}), (ctx, _p, req) => {
        const item = mustFind(ctx.data.invoiceItems, "invoiceitem", req.params.id!);
        const inv = editableInvoice(ctx, item);
        remove(ctx.data.invoiceItems, item.id);
        ctx.emit("invoiceitem.deleted", item);
        if (inv) {
          const before = copy(inv);
          detachItem(inv, item.id);
          ctx.emit("invoice.updated", inv, changes(before, inv));
        }
        return { id: item.id, object: "invoiceitem", deleted: true };
      }),
    )
    .add(
      "GET",
      "/v1/invoiceitems",
      route(z.strictObject({ ...listParams, customer: str().optional(), invoice: str().optional(), pending: bool().optional(), created: range(), customer_account: ignored }), (ctx, p) =>
        listOf(ctx.data.invoiceItems, "invoiceitem", p, "/v1/invoiceitems", (i) => {
          if (p.customer !== undefined && i.customer !== p.customer) return false;
          if (p.invoice !== undefined && i.invoice !== p.invoice) return false;
          if (p.pending !== undefined && (i.invoice === null) !== p.pending) return false;
          return inRange(i.date, p.created);
        }),
      ),
    );
}
