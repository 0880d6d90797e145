/**
 * What a response shows of a stored object: invoices show their first 10 lines, and `expand[]`
 * replaces ids with objects (recursively, `data.` for lists, at most 4 levels) or includes fields
 * that are only there on request (`payments`, `confirmation_secret`, `amount_paid_off_stripe` on
 * invoices; `refunds` on charges).
 * https://docs.stripe.com/expand
 */
import { fail } from "./errors";
import type { Charge, Invoice, StripeData } from "./types";

const LINES_SHOWN = 10;

export function render<T extends object>(obj: T): T {
  const inv = obj as unknown as Invoice;
  if (inv.object !== "invoice" || !inv.lines || inv.lines.data.length <= LINES_SHOWN) return obj; // a deleted invoice has no lines
  return { ...obj, lines: { ...inv.lines, data: inv.lines.data.slice(0, LINES_SHOWN), has_more: true } };
}

/** An object by id, from the id's prefix. */
function lookup(data: StripeData, id: string): object | undefined {
  const prefix = id.slice(0, id.indexOf("_"));
  switch (prefix) {
    case "cus":
      return data.customers.byId[id] ?? (data.deletedCustomers[id] ? { id, object: "customer", deleted: true } : undefined);
    case "in":
      return data.invoices.byId[id];
    case "ii":
      return data.invoiceItems.byId[id];
    case "inpay":
      return data.invoicePayments.byId[id];
    case "pi":
      return data.paymentIntents.byId[id];
    case "ch":
      return data.charges.byId[id];
    case "re":
      return data.refunds.byId[id];
    case "pr":
      return data.paymentRecords?.byId[id];
    case "cn":
      return data.creditNotes?.byId[id];
    default:
      return undefined;
  }
}

const list = (data: object[], url: string) => ({ object: "list", data, has_more: false, url });

function include(data: StripeData, node: Record<string, unknown>, field: string): unknown {
  if (node.object === "invoice") {
    const inv = node as unknown as Invoice;
    const payments = (data.paymentsByInvoice[inv.id] ?? []).map((id) => data.invoicePayments.byId[id]!).reverse();
    if (field === "payments") return list(payments, `/v1/invoices/${inv.id}/payments`);
    if (field === "amount_paid_off_stripe") return payments.filter((p) => p.payment.type === "payment_record" && p.status === "paid").reduce((sum, p) => sum + (p.amount_paid ?? 0), 0);
    if (field === "confirmation_secret") {
      const open = payments.find((p) => p.is_default && p.status === "open");
      const intent = typeof open?.payment.payment_intent === "string" ? data.paymentIntents.byId[open.payment.payment_intent] : undefined;
      return intent?.client_secret ? { client_secret: intent.client_secret, type: "payment_intent" } : null;
    }
  }
  if (node.object === "charge" && field === "refunds") {
    const charge = node as unknown as Charge;
    const refunds = Object.values(data.refunds.byId).filter((r) => r.charge === charge.id).sort((a, b) => b.created - a.created);
    return list(refunds, `/v1/charges/${charge.id}/refunds`);
  }
  return undefined;
}

function walk(data: StripeData, node: unknown, path: string[], full: string): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(data, item, path, full);
    return;
  }
  if (node === null || typeof node !== "object") throw cannotExpand(full);
  const record = node as Record<string, unknown>;
  const [head, ...rest] = path as [string, ...string[]];
  let value = record[head];
  let expanded = false;
  if (value === undefined) {
    value = include(data, record, head);
    if (value === undefined) throw cannotExpand(full);
    expanded = true;
  } else if (typeof value === "string") {
    const found = lookup(data, value);
    if (!found) throw cannotExpand(full);
    value = structuredClone(render(found));
    expanded = true;
  }
  record[head] = value;
  if (value === null) return;
  if (rest.length) walk(data, value, rest, full);
  else if (!expanded && !(typeof value === "object" && "object" in value)) throw cannotExpand(full);
}

const cannotExpand = (path: string) => fail.badRequest(`This property cannot be expanded (${path}).`);

/** A copy of `body` with every `expand[]` path applied. */
export function expand(data: StripeData, body: object, paths: string[]): object {
  const out = structuredClone(body);
  for (const path of paths) {
    const segments = path.split(".");
    if (segments.length > 4) throw fail.badRequest(`You cannot expand more than 4 levels of a property (${path}).`);
    walk(data, out, segments, path);
  }
  return out;
}
