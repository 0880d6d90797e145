/**
 * Payment Records: payments made outside Stripe, reported so that Stripe's records (and invoices
 * they are attached to) show them. `report_payment` reports one in a final state (`outcome`
 * guaranteed, failed or canceled) or still pending; retrieve by id. Attaching one to an invoice
 * is `POST /v1/invoices/:id/attach_payment` with `payment_record` (invoice-actions.ts).
 * https://docs.stripe.com/api/payment-record/report-payment
 * https://docs.stripe.com/api/payment-record/retrieve
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { fail } from "../errors";
import { mustFind } from "../listing";
import { newPaymentRecord } from "../objects";
import { currency, expand, int, metadata, mergeMetadata, oneOf, str } from "../params";
import { route } from "../route";
import { insert } from "../table";
import { paymentRecordsOf, type StripeData } from "../types";

const ignored = z.unknown().optional();
const at = (field: string) => z.strictObject({ [field]: int({ min: 0 }) });

const reportSchema = z.strictObject({
  amount_requested: z.strictObject({ currency: currency(), value: int({ min: 1 }) }),
  initiated_at: int({ min: 0 }),
  payment_method_details: z.strictObject({
    type: oneOf(["custom"] as const).optional(),
    custom: z.strictObject({ display_name: str(100).optional(), type: str().optional() }).optional(),
    payment_method: str().optional(),
    billing_details: ignored,
  }),
  outcome: oneOf(["guaranteed", "failed", "canceled"] as const).optional(),
  guaranteed: at("guaranteed_at").optional(),
  failed: at("failed_at").optional(),
  canceled: at("canceled_at").optional(),
  customer_details: z.strictObject({ customer: str().optional(), email: str(512).optional(), name: str(256).optional(), phone: str(20).optional() }).optional(),
  customer_presence: oneOf(["off_session", "on_session"] as const).optional(),
  description: str(1000).optional(),
  metadata: metadata(),
  processor_details: z.strictObject({ type: oneOf(["custom"] as const), custom: z.strictObject({ payment_reference: str(500) }).optional() }).optional(),
  shipping_details: ignored,
  expand: expand(),
});

export function paymentRecordRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "POST",
      "/v1/payment_records/report_payment",
      route(reportSchema, (ctx, p) => {
        const method = p.payment_method_details;
        if (method.payment_method === undefined && method.type !== "custom") throw fail.missingParam("payment_method_details[type]");
        if (p.outcome && !p[p.outcome]) throw fail.missingParam(`${p.outcome}[${p.outcome}_at]`);
        const customer = p.customer_details?.customer;
        if (customer !== undefined) mustFind(ctx.data.customers, "customer", customer, "customer_details[customer]");
        const details = p.customer_details;
        return insert(
          paymentRecordsOf(ctx.data),
          newPaymentRecord(ctx, {
            currency: p.amount_requested.currency,
            amount: p.amount_requested.value,
            outcome: p.outcome ?? null,
            customer: details ? { customer: details.customer ?? null, email: details.email ?? null, name: details.name ?? null, phone: details.phone ?? null } : null,
            customerPresence: p.customer_presence ?? null,
            description: p.description ?? null,
            metadata: mergeMetadata({}, p.metadata),
            method:
              method.payment_method !== undefined
                ? { type: "payment_method", payment_method: method.payment_method }
                : { type: "custom", display_name: method.custom?.display_name ?? "Custom", custom_type: method.custom?.type ?? null },
            paymentReference: p.processor_details?.custom?.payment_reference ?? null,
          }),
        );
      }),
    )
    .add("GET", "/v1/payment_records/:id", route(z.strictObject({ expand: expand() }), (ctx, _p, req) => mustFind(paymentRecordsOf(ctx.data), "payment record", req.params.id!)));
}
