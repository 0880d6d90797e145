/**
 * Credit notes: create on a finalized invoice (`amount` or `lines`, split after payment into
 * `credit_amount` and `out_of_band_amount`), retrieve, list (`invoice`, `customer`, `created`),
 * update (memo, metadata), void, and their lines. The rules live in ../credit-notes.ts.
 * https://docs.stripe.com/api/credit_notes
 */
import { z } from "zod";
import type { ApiRoutes } from "../../core/sandbox";
import { issueCreditNote, voidCreditNote } from "../credit-notes";
import { fail } from "../errors";
import { listOf, mustFind } from "../listing";
import { decimal, expand, int, inRange, list, listParams, mergeMetadata, metadata, oneOf, range, str } from "../params";
import { route } from "../route";
import { creditNotesOf, type StripeData } from "../types";

const ignored = z.unknown().optional();
const byId = z.strictObject({ expand: expand() });

const lineInput = z.strictObject({
  type: oneOf(["custom_line_item", "invoice_line_item"] as const),
  description: str(5000).optional(),
  quantity: int({ min: 1 }).optional(),
  unit_amount: int({ min: 0 }).optional(),
  unit_amount_decimal: decimal().optional(),
  amount: int({ min: 0 }).optional(),
  invoice_line_item: str().optional(),
  metadata: metadata(),
  tax_rates: ignored,
  tax_amounts: ignored,
});

const createSchema = z.strictObject({
  invoice: str(),
  amount: int({ min: 1 }).optional(),
  lines: list(lineInput, 100).optional(),
  credit_amount: int({ min: 0 }).optional(),
  out_of_band_amount: int({ min: 0 }).optional(),
  refund_amount: int({ min: 0 }).optional(),
  refunds: ignored,
  shipping_cost: ignored,
  effective_at: int({ min: 0 }).optional(),
  email_type: oneOf(["credit_note", "none"] as const).optional(),
  memo: str(5000).optional(),
  metadata: metadata(),
  reason: oneOf(["duplicate", "fraudulent", "order_change", "product_unsatisfactory"] as const).optional(),
  expand: expand(),
});

const updateSchema = z.strictObject({ memo: str(5000).optional(), metadata: metadata(), expand: expand() });

export function creditNoteRoutes(api: ApiRoutes<StripeData>): void {
  api
    .add(
      "POST",
      "/v1/credit_notes",
      route(createSchema, (ctx, p) => {
        if ((p.refund_amount ?? 0) > 0 || p.refunds !== undefined) {
          throw fail.invalidParam(p.refunds !== undefined ? "refunds" : "refund_amount", "The sandbox does not refund through credit notes: refund the charge with POST /v1/refunds, or record money returned outside Stripe with out_of_band_amount.");
        }
        if (p.shipping_cost !== undefined) throw fail.invalidParam("shipping_cost", "The sandbox models no shipping rates.");
        const inv = mustFind(ctx.data.invoices, "invoice", p.invoice, "invoice");
        const lines = p.lines?.map((line, i) => {
          if (line.type === "custom_line_item") {
            if (line.invoice_line_item !== undefined || line.amount !== undefined) throw fail.invalidParam(`lines[${i}][type]`, "invoice_line_item and amount are only valid when type is invoice_line_item.");
            return { type: line.type, description: line.description, quantity: line.quantity, unit_amount: line.unit_amount, unit_amount_decimal: line.unit_amount_decimal, metadata: line.metadata ?? undefined };
          }
          if (line.invoice_line_item === undefined) throw fail.missingParam(`lines[${i}][invoice_line_item]`);
          return { type: line.type, invoice_line_item: line.invoice_line_item, amount: line.amount, quantity: line.quantity, metadata: line.metadata ?? undefined };
        });
        return issueCreditNote(ctx, inv, {
          amount: p.amount,
          lines,
          creditAmount: p.credit_amount ?? 0,
          outOfBandAmount: p.out_of_band_amount ?? 0,
          effectiveAt: p.effective_at ?? null,
          memo: p.memo ?? null,
          metadata: mergeMetadata({}, p.metadata),
          reason: p.reason ?? null,
        });
      }),
    )
    .add("GET", "/v1/credit_notes/:id", route(byId, (ctx, _p, req) => mustFind(creditNotesOf(ctx.data), "credit note", req.params.id!)))
    .add(
      "GET",
      "/v1/credit_notes",
      route(z.strictObject({ ...listParams, invoice: str().optional(), customer: str().optional(), created: range(), customer_account: ignored }), (ctx, p) =>
        listOf(creditNotesOf(ctx.data), "credit note", p, "/v1/credit_notes", (cn) => (p.invoice === undefined || cn.invoice === p.invoice) && (p.customer === undefined || cn.customer === p.customer) && inRange(cn.created, p.created)),
      ),
    )
    .add(
      "POST",
      "/v1/credit_notes/:id",
      route(updateSchema, (ctx, p, req) => {
        const note = mustFind(creditNotesOf(ctx.data), "credit note", req.params.id!);
        const previous: Record<string, unknown> = {};
        if (p.memo !== undefined && p.memo !== note.memo) {
          previous.memo = note.memo;
          note.memo = p.memo;
        }
        if (p.metadata !== undefined) {
          previous.metadata = note.metadata;
          note.metadata = mergeMetadata(note.metadata ?? {}, p.metadata);
        }
        if (Object.keys(previous).length) ctx.emit("credit_note.updated", note, previous);
        return note;
      }),
    )
    .add("POST", "/v1/credit_notes/:id/void", route(byId, (ctx, _p, req) => voidCreditNote(ctx, mustFind(creditNotesOf(ctx.data), "credit note", req.params.id!))))
    .add(
      "GET",
      "/v1/credit_notes/:id/lines",
      route(z.strictObject(listParams), (ctx, p, req) => {
        const note = mustFind(creditNotesOf(ctx.data), "credit note", req.params.id!);
        const all = note.lines.data;
        const start = p.starting_after ? all.findIndex((l) => l.id === p.starting_after) + 1 : 0;
        if (p.starting_after && start === 0) throw fail.noSuch("credit note line item", p.starting_after, "starting_after");
        const data = all.slice(start, start + (p.limit ?? 10));
        return { object: "list", data, has_more: start + data.length < all.length, url: `/v1/credit_notes/${note.id}/lines` };
      }),
    );
}
