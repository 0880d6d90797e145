/**
 * Invoice state changes: finalize, pay (a test card, or `paid_out_of_band`), void,
 * mark_uncollectible, send, and attach_payment (a separate PaymentIntent, or a Payment Record of a
 * payment made outside Stripe, as a partial payment).
 * https://docs.stripe.com/api/invoices/finalize, /pay, /void, /mark_uncollectible, /send, /attach_payment
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { fail } from "../errors";
import { finalize, markUncollectible, voidInvoice } from "../lifecycle";
import { mustFind } from "../listing";
import { bool, expand, str } from "../params";
import { attachPayment, attachRecord, payInvoice } from "../payments";
import { route } from "../route";
import { paymentRecordsOf, type StripeData } from "../types";

const ignored = z.unknown().optional();
const plain = z.strictObject({ expand: expand() });
const finalizeSchema = z.strictObject({ auto_advance: bool().optional(), expand: expand() });
const paySchema = z.strictObject({
  paid_out_of_band: bool().optional(),
  payment_method: str().optional(),
  source: str().optional(),
  forgive: ignored,
  mandate: ignored,
  off_session: ignored,
  expand: expand(),
});
const attachSchema = z.strictObject({ payment_intent: str().optional(), payment_record: str().optional(), expand: expand() });

export function invoiceActionRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "POST",
      "/v1/invoices/:id/finalize",
      route(finalizeSchema, (ctx, p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        finalize(ctx, inv, p.auto_advance);
        return inv;
      }),
    )
    .add(
      "POST",
      "/v1/invoices/:id/pay",
      route(paySchema, (ctx, p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        if (p.paid_out_of_band && (p.payment_method || p.source)) {
          throw fail.invalidParam("paid_out_of_band", "You can't pass `payment_method` or `source` together with `paid_out_of_band`.", "parameters_exclusive");
        }
        payInvoice(ctx, inv, { paymentMethod: p.payment_method ?? p.source, outOfBand: p.paid_out_of_band });
        return inv;
      }),
    )
    .add(
      "POST",
      "/v1/invoices/:id/void",
      route(plain, (ctx, _p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        voidInvoice(ctx, inv);
        return inv;
      }),
    )
    .add(
      "POST",
      "/v1/invoices/:id/mark_uncollectible",
      route(plain, (ctx, _p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        markUncollectible(ctx, inv);
        return inv;
      }),
    )
    .add(
      "POST",
      "/v1/invoices/:id/send",
      route(plain, (ctx, _p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        if (inv.collection_method !== "send_invoice") throw fail.state("You can only manually send an invoice if its collection method is 'send_invoice'.");
        if (inv.status === "void" || inv.status === "uncollectible") throw fail.state(`You can't send an invoice that is ${inv.status}.`, "invoice_not_editable");
        if (inv.status === "draft") finalize(ctx, inv);
        // Test mode sends no email, only the event.
        ctx.emit("invoice.sent", inv);
        return inv;
      }),
    )
    .add(
      "POST",
      "/v1/invoices/:id/attach_payment",
      route(attachSchema, (ctx, p, req) => {
        const inv = mustFind(ctx.data.invoices, "invoice", req.params.id!);
        if (p.payment_record !== undefined && p.payment_intent !== undefined) {
          throw fail.invalidParam("payment_record", "You may only specify one of these parameters: payment_intent, payment_record.", "parameters_exclusive");
        }
        if (p.payment_record !== undefined) attachRecord(ctx, inv, mustFind(paymentRecordsOf(ctx.data), "payment record", p.payment_record, "payment_record"));
        else if (p.payment_intent === undefined) throw fail.missingParam("payment_intent");
        else attachPayment(ctx, inv, mustFind(ctx.data.paymentIntents, "payment_intent", p.payment_intent, "payment_intent"));
        return inv;
      }),
    );
}
