/**
 * Reading a connected account: invoices (with all their lines), invoice payments, refunds and
 * credit notes that returned money outside Stripe, customers; lists paged newest first with `starting_after`, 100 a page; a fetch of an unknown
 * id is null. Fetched records are versioned at the `Date` of Stripe's answer (see mappers.ts).
 * https://docs.stripe.com/api/pagination
 */
import { ProviderError } from "../errors";
import type { ExternalCustomer, ExternalInvoice, ExternalPayment, Page } from "../types";
import { fetchedStamp, toCreditNoteRefund, toCustomer, toInvoice, toInvoicePayment, toRefund, type Stamp } from "./mappers";
import {
  creditNoteSchema,
  customerSchema,
  invoicePaymentSchema,
  invoiceSchema,
  lineSchema,
  listSchema,
  parse,
  refundSchema,
  type StripeInvoice,
  type StripeLine,
  type StripeRefund,
} from "./schemas";
import { serverSeconds, type StripeCall } from "./sdk";

export const PAGE_SIZE = 100;

/** null when Stripe says the object does not exist. */
export async function orNull<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") return null;
    throw error;
  }
}

const after = (cursor: string | null | undefined) => (cursor ? { starting_after: cursor } : {});

/** Every line of an invoice: list answers and events carry the first 10 (`lines.has_more`). */
export async function allLines(call: StripeCall, inv: StripeInvoice): Promise<StripeLine[]> {
  const lines = [...inv.lines.data];
  let more = inv.lines.has_more;
  while (more) {
    // https://docs.stripe.com/api/invoices/invoice_lines
    const answer = await call((s, o) => s.invoices.listLineItems(inv.id, { limit: PAGE_SIZE, ...after(lines.at(-1)?.id) }, o));
    const page = parse(listSchema(lineSchema), answer, `lines of invoice ${inv.id}`);
    lines.push(...page.data);
    more = page.has_more && page.data.length > 0;
  }
  return lines;
}

export async function mapInvoice(call: StripeCall, inv: StripeInvoice, stamp: Stamp): Promise<ExternalInvoice> {
  return toInvoice(inv, stamp, { lines: await allLines(call, inv) });
}

/** The invoices a PaymentIntent paid, through its InvoicePayments (a refund names only its intent). */
export type InvoiceLookup = (refund: StripeRefund) => Promise<string[]>;

export function invoiceLookup(call: StripeCall): InvoiceLookup {
  const known = new Map<string, Promise<string[]>>();
  const lookup = async (intent: string) => {
    // https://docs.stripe.com/api/invoice-payment/list (payment[type], payment[payment_intent])
    const answer = await call((s, o) => s.invoicePayments.list({ payment: { type: "payment_intent", payment_intent: intent }, limit: PAGE_SIZE }, o));
    const page = parse(listSchema(invoicePaymentSchema), answer, `invoice payments of ${intent}`);
    return [...new Set(page.data.filter((p) => p.status === "paid").map((p) => p.invoice))];
  };
  return (refund) => {
    const intent = refund.payment_intent;
    if (!intent) return Promise.resolve([]);
    let found = known.get(intent);
    if (!found) {
      found = lookup(intent);
      known.set(intent, found);
    }
    return found;
  };
}

export function readers(call: StripeCall) {
  async function listInvoices(pageCursor: string | null): Promise<Page<ExternalInvoice>> {
    // https://docs.stripe.com/api/invoices/list
    const answer = await call((s, o) => s.invoices.list({ limit: PAGE_SIZE, ...after(pageCursor) }, o));
    const stamp = fetchedStamp(serverSeconds(answer));
    const page = parse(listSchema(invoiceSchema), answer, "invoice list");
    const items: ExternalInvoice[] = [];
    for (const inv of page.data) items.push(await mapInvoice(call, inv, stamp));
    return { items, next: page.has_more ? (page.data.at(-1)?.id ?? null) : null };
  }

  async function getInvoice(externalId: string): Promise<ExternalInvoice | null> {
    // https://docs.stripe.com/api/invoices/retrieve (a deleted draft is a 404)
    const answer = await orNull(call((s, o) => s.invoices.retrieve(externalId, {}, o)));
    if (!answer) return null;
    return mapInvoice(call, parse(invoiceSchema, answer, `invoice ${externalId}`), fetchedStamp(serverSeconds(answer)));
  }

  /**
   * Payments are paid InvoicePayments, then refunds of invoice payments, then credit notes with
   * money returned outside Stripe. The page cursor says which: `ip:<last id>`, `re:` (refunds
   * from the newest), `re:<last id>`, `cn:`, `cn:<last id>`. Refunds of charges that paid no
   * invoice and credit notes without out-of-band money are skipped, so a page may be empty and
   * still have a next one.
   */
  async function listPayments(pageCursor: string | null): Promise<Page<ExternalPayment>> {
    const cursor = pageCursor ?? "ip:";
    const [phase, last] = [cursor.slice(0, 3), cursor.slice(3)];
    if (phase === "ip:") {
      // https://docs.stripe.com/api/invoice-payment/list
      const answer = await call((s, o) => s.invoicePayments.list({ status: "paid", limit: PAGE_SIZE, ...after(last) }, o));
      const stamp = fetchedStamp(serverSeconds(answer));
      const page = parse(listSchema(invoicePaymentSchema), answer, "invoice payment list");
      const next = page.has_more && page.data.length ? `ip:${page.data.at(-1)!.id}` : "re:";
      return { items: page.data.map((p) => toInvoicePayment(p, stamp)), next };
    }
    if (phase === "cn:") {
      // https://docs.stripe.com/api/credit_notes/list
      const answer = await call((s, o) => s.creditNotes.list({ limit: PAGE_SIZE, ...after(last) }, o));
      const stamp = fetchedStamp(serverSeconds(answer));
      const page = parse(listSchema(creditNoteSchema), answer, "credit note list");
      const items = page.data.flatMap((note) => toCreditNoteRefund(note, stamp) ?? []);
      return { items, next: page.has_more && page.data.length ? `cn:${page.data.at(-1)!.id}` : null };
    }
    if (phase !== "re:") throw new ProviderError("stripe", "invalid", `Not a Stripe payment page cursor: ${pageCursor}`);
    // https://docs.stripe.com/api/refunds/list
    const answer = await call((s, o) => s.refunds.list({ limit: PAGE_SIZE, ...after(last) }, o));
    const stamp = fetchedStamp(serverSeconds(answer));
    const page = parse(listSchema(refundSchema), answer, "refund list");
    const invoicesOf = invoiceLookup(call);
    const items: ExternalPayment[] = [];
    for (const refund of page.data) {
      const invoices = await invoicesOf(refund);
      if (invoices.length) items.push(toRefund(refund, invoices, stamp));
    }
    return { items, next: page.has_more && page.data.length ? `re:${page.data.at(-1)!.id}` : "cn:" };
  }

  /**
   * An InvoicePayment (`inpay_...`), a refund (`re_...`) or a credit note with money returned
   * outside Stripe (`cn_...`), the kinds of payment ids this connector gives out.
   */
  async function getPayment(externalId: string): Promise<ExternalPayment | null> {
    if (externalId.startsWith("inpay_")) {
      // https://docs.stripe.com/api/invoice-payment/retrieve
      const answer = await orNull(call((s, o) => s.invoicePayments.retrieve(externalId, {}, o)));
      return answer && toInvoicePayment(parse(invoicePaymentSchema, answer, `invoice payment ${externalId}`), fetchedStamp(serverSeconds(answer)));
    }
    if (externalId.startsWith("re_")) {
      // https://docs.stripe.com/api/refunds/retrieve
      const answer = await orNull(call((s, o) => s.refunds.retrieve(externalId, {}, o)));
      if (!answer) return null;
      const refund = parse(refundSchema, answer, `refund ${externalId}`);
      return toRefund(refund, await invoiceLookup(call)(refund), fetchedStamp(serverSeconds(answer)));
    }
    if (externalId.startsWith("cn_")) {
      // https://docs.stripe.com/api/credit_notes/retrieve
      const answer = await orNull(call((s, o) => s.creditNotes.retrieve(externalId, {}, o)));
      return answer && toCreditNoteRefund(parse(creditNoteSchema, answer, `credit note ${externalId}`), fetchedStamp(serverSeconds(answer)));
    }
    return null;
  }

  async function listCustomers(pageCursor: string | null): Promise<Page<ExternalCustomer>> {
    // https://docs.stripe.com/api/customers/list
    const answer = await call((s, o) => s.customers.list({ limit: PAGE_SIZE, ...after(pageCursor) }, o));
    const stamp = fetchedStamp(serverSeconds(answer));
    const page = parse(listSchema(customerSchema), answer, "customer list");
    return { items: page.data.map((c) => toCustomer(c, stamp)), next: page.has_more ? (page.data.at(-1)?.id ?? null) : null };
  }

  /** A deleted customer still answers (`{ deleted: true }`): it maps as deleted, not as null. */
  async function getCustomer(externalId: string): Promise<ExternalCustomer | null> {
    // https://docs.stripe.com/api/customers/retrieve
    const answer = await orNull(call((s, o) => s.customers.retrieve(externalId, {}, o)));
    return answer && toCustomer(parse(customerSchema, answer, `customer ${externalId}`), fetchedStamp(serverSeconds(answer)));
  }

  return { listInvoices, getInvoice, listPayments, getPayment, listCustomers, getCustomer };
}
