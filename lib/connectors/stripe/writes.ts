/**
 * Writes to a connected account. Each write is a few Stripe requests; every POST carries an
 * idempotency key derived from the caller's key and the step, so a retry of the whole write
 * (same key, same draft) replays each finished step instead of repeating it. Stripe keeps keys
 * 24 hours; a retry after that would write again.
 * https://docs.stripe.com/api/idempotent_requests
 */
import { createHash } from "node:crypto";
import Stripe from "stripe";
import { z } from "zod";
import { currencyCode } from "../../normalize/money";
import { ProviderError } from "../errors";
import { checkRefundDraft } from "../refunds";
import type { ExternalInvoice, ExternalPayment, InvoiceDraft, InvoicePatch, PaymentDraft, RefundDraft, WriteOptions } from "../types";
import { alreadyApplied, checkInvoicePatch } from "../updates";
import { fetchedStamp, toCreditNoteRefund, toInvoice, toInvoicePayment } from "./mappers";
import { mapInvoice, PAGE_SIZE } from "./reads";
import { creditNoteSchema, customerSchema, invoicePaymentSchema, invoiceSchema, listSchema, parse, paymentRecordSchema } from "./schemas";
import { replayed, serverSeconds, type StripeCall } from "./sdk";

/** An invoice answered with `expand: ["payments"]`: its invoice payments, newest first. */
const attachedSchema = z.looseObject({ payments: listSchema(invoicePaymentSchema) });

/** A send_invoice invoice needs a due date; Stripe's dashboard proposes 30 days. */
const DEFAULT_DAYS_UNTIL_DUE = 30;

/** `<key>:<step>`, within Stripe's 255 characters (a long key is hashed). */
export function stepKey(key: string, step: string): string {
  const base = key.length > 200 ? createHash("sha256").update(key).digest("hex") : key;
  return `${base}:${step}`;
}

/**
 * A calendar date as the instant Stripe stores: noon UTC, so the dashboard shows the same date in
 * every timezone from UTC-11 to UTC+11, and mappers.ts reads it back (in UTC) as that date.
 */
const noonUtc = (date: string) => Date.parse(`${date}T12:00:00Z`) / 1000;
/** Payment dates as midnight UTC: Stripe takes no payment time in the future, and today's noon may be. */
const midnightUtc = (date: string) => Date.parse(`${date}T00:00:00Z`) / 1000;

function isInteger(quantity: string): boolean {
  return /^\d+$/.test(quantity) && Number.isSafeInteger(Number(quantity));
}

/**
 * A line as an invoice item: whole quantities as `quantity` × `unit_amount_decimal`; a fractional
 * quantity (Stripe's `quantity` is an integer) as one item of the exact amount, refused when that
 * amount is not a whole number of minor units.
 */
function itemPricing(line: InvoiceDraft["lines"][number]): Pick<Stripe.InvoiceItemCreateParams, "quantity" | "unit_amount_decimal" | "amount"> {
  if (isInteger(line.quantity)) return { quantity: Number(line.quantity), unit_amount_decimal: Stripe.Decimal.from(line.unitAmountMinor.toString()) };
  const match = /^(\d+)\.(\d+)$/.exec(line.quantity);
  if (!match) throw new ProviderError("stripe", "invalid", `Line quantity "${line.quantity}" is not a decimal number`);
  const scale = 10n ** BigInt(match[2]!.length);
  const scaled = line.unitAmountMinor * BigInt(match[1]! + match[2]!);
  if (scaled % scale !== 0n) throw new ProviderError("stripe", "invalid", `${line.quantity} × ${line.unitAmountMinor} is not a whole amount in minor units`);
  return { amount: Number(scaled / scale) };
}

export function writers(call: StripeCall) {
  /**
   * The customer (given, or created), a draft send_invoice invoice carrying `metadata.concord_id`,
   * one invoice item per line, then finalization (which numbers it unless `draft.number` did).
   * auto_advance is off: Concord, not Stripe's automation, decides what happens next.
   */
  async function createInvoice(draft: InvoiceDraft, options: WriteOptions): Promise<ExternalInvoice> {
    const key = options.idempotencyKey;
    const currency = currencyCode(draft.currency).toLowerCase();
    // Stripe refuses a due date that has passed; refused here before anything is written.
    if (draft.dueDate && noonUtc(draft.dueDate) * 1000 <= Date.now()) throw new ProviderError("stripe", "invalid", `Stripe takes no due date in the past (${draft.dueDate})`);
    let customer = draft.customer.externalId;
    if (!customer) {
      // https://docs.stripe.com/api/customers/create
      const answer = await call(
        (s, o) => s.customers.create({ name: draft.customer.name, ...(draft.customer.email ? { email: draft.customer.email } : {}), metadata: { concord_invoice_id: draft.concordId } }, o),
        { idempotencyKey: stepKey(key, "customer") },
      );
      customer = parse(customerSchema, answer, "created customer").id;
    }
    const customerId = customer;
    // https://docs.stripe.com/api/invoices/create (a due_date must be in the future; effective_at backdates the issue date)
    const created = await call(
      (s, o) =>
        s.invoices.create(
          {
            customer: customerId,
            currency,
            collection_method: "send_invoice",
            ...(draft.dueDate ? { due_date: noonUtc(draft.dueDate) } : { days_until_due: DEFAULT_DAYS_UNTIL_DUE }),
            ...(draft.issueDate ? { effective_at: noonUtc(draft.issueDate) } : {}),
            ...(draft.number ? { number: draft.number } : {}),
            ...(draft.memo ? { description: draft.memo } : {}),
            metadata: { concord_id: draft.concordId },
            auto_advance: false,
            pending_invoice_items_behavior: "exclude",
          },
          o,
        ),
      { idempotencyKey: stepKey(key, "invoice") },
    );
    const invoiceId = parse(invoiceSchema, created, "created invoice").id;
    for (const [i, line] of draft.lines.entries()) {
      // https://docs.stripe.com/api/invoiceitems/create
      await call((s, o) => s.invoiceItems.create({ customer: customerId, invoice: invoiceId, currency, description: line.description, ...itemPricing(line) }, o), {
        idempotencyKey: stepKey(key, `line:${i}`),
      });
    }
    // https://docs.stripe.com/api/invoices/finalize
    const finalized = await call((s, o) => s.invoices.finalizeInvoice(invoiceId, { auto_advance: false }, o), { idempotencyKey: stepKey(key, "finalize") });
    return mapInvoice(call, parse(invoiceSchema, finalized, `finalized invoice ${invoiceId}`), fetchedStamp(serverSeconds(finalized)));
  }

  /** The invoice payment that attaching `record` made, if it was attached. */
  async function paymentOfRecord(invoiceId: string, record: string) {
    const answer = await call((s, o) => s.invoicePayments.list({ invoice: invoiceId, payment: { type: "payment_record", payment_record: record }, limit: PAGE_SIZE }, o));
    const found = parse(listSchema(invoicePaymentSchema), answer, `payments of invoice ${invoiceId}`).data.find((p) => p.status !== "canceled");
    return found ? toInvoicePayment(found, fetchedStamp(serverSeconds(answer))) : null;
  }

  /**
   * Money received outside Stripe, full or partial: reported as a Payment Record (amount, date,
   * reference), then attached to the invoice, which becomes paid when nothing remains. One path
   * for every amount keeps a retry safe: the report replays by key and a record already attached
   * is found, where choosing between `pay(paid_out_of_band)` and a partial attachment from the
   * remaining amount would choose differently once the first attempt had paid. The amount may not
   * exceed what remains; a report whose attachment is then refused stays unattached in Stripe.
   * Stripe stamps the invoice payment's `paid_at` with the attachment time; the date the money
   * arrived stays on the Payment Record.
   * A first attempt is three requests: the invoice, the report, and the attachment, answered with
   * the invoice's payments expanded (the one it made among them). The payments are listed before
   * attaching only when Stripe says the report was replayed (`Idempotent-Replayed`): an earlier
   * attempt made it and may have attached it too, while a record reported just now cannot be.
   * https://docs.stripe.com/api/payment-record/report-payment
   * https://docs.stripe.com/api/invoices/attach_payment
   * https://docs.stripe.com/api/idempotent_requests
   */
  async function recordPayment(draft: PaymentDraft, options: WriteOptions): Promise<ExternalPayment> {
    const key = options.idempotencyKey;
    const answer = await call((s, o) => s.invoices.retrieve(draft.invoiceExternalId, {}, o));
    const inv = parse(invoiceSchema, answer, `invoice ${draft.invoiceExternalId}`);
    if (currencyCode(draft.currency) !== currencyCode(inv.currency)) {
      throw new ProviderError("stripe", "invalid", `Payment in ${currencyCode(draft.currency)} for invoice ${inv.id} in ${currencyCode(inv.currency)}`);
    }
    if (draft.amountMinor <= 0n || draft.amountMinor > BigInt(Number.MAX_SAFE_INTEGER)) throw new ProviderError("stripe", "invalid", `Payment amount ${draft.amountMinor} is not a positive amount`);
    const when = midnightUtc(draft.paidOn);
    const reported = await call(
      (s, o) =>
        s.paymentRecords.reportPayment(
          {
            amount_requested: { currency: inv.currency, value: Number(draft.amountMinor) },
            initiated_at: when,
            outcome: "guaranteed",
            guaranteed: { guaranteed_at: when },
            payment_method_details: { type: "custom", custom: { display_name: "Recorded by Concord" } },
            ...(draft.reference ? { processor_details: { type: "custom" as const, custom: { payment_reference: draft.reference } } } : {}),
            ...(inv.customer ? { customer_details: { customer: inv.customer } } : {}),
          },
          o,
        ),
      { idempotencyKey: stepKey(key, "record") },
    );
    const record = parse(paymentRecordSchema, reported, "payment record").id;
    if (replayed(reported)) {
      const done = await paymentOfRecord(inv.id, record);
      if (done) return done;
    }
    if (draft.amountMinor > BigInt(inv.amount_remaining)) {
      throw new ProviderError("stripe", "invalid", `Payment of ${draft.amountMinor} exceeds the ${inv.amount_remaining} that remains on invoice ${inv.id}`);
    }
    const attached = await call((s, o) => s.invoices.attachPayment(inv.id, { payment_record: record, expand: ["payments"] }, o), { idempotencyKey: stepKey(key, "attach") });
    const listed = parse(attachedSchema, attached, `invoice ${inv.id} after attaching payment record ${record}`).payments;
    const made = listed.data.find((p) => p.payment.type === "payment_record" && p.payment.payment_record === record && p.status !== "canceled");
    if (made) return toInvoicePayment(made, fetchedStamp(serverSeconds(attached)));
    // Not among the payments the answer shows (an invoice with many): listed by record instead.
    const found = listed.has_more ? await paymentOfRecord(inv.id, record) : null;
    if (!found) throw new ProviderError("stripe", "server", `Stripe attached payment record ${record} to invoice ${inv.id} but lists no payment for it`);
    return found;
  }

  /**
   * Voids an open or uncollectible invoice. Stripe voids no drafts: a draft is deleted, and maps as
   * deleted. An invoice already void is answered as it is, so a repeated call succeeds.
   * https://docs.stripe.com/api/invoices/void
   * https://docs.stripe.com/api/invoices/delete
   */
  async function voidInvoice(externalId: string, options: WriteOptions): Promise<ExternalInvoice> {
    const current = await call((s, o) => s.invoices.retrieve(externalId, {}, o));
    const inv = parse(invoiceSchema, current, `invoice ${externalId}`);
    if (inv.status === "void") return mapInvoice(call, inv, fetchedStamp(serverSeconds(current)));
    if (inv.status === "draft") {
      // A DELETE takes no idempotency key: deleting again answers 404.
      const deleted = await call((s, o) => s.invoices.del(externalId, {}, o));
      return toInvoice(inv, fetchedStamp(serverSeconds(deleted)), { deleted: true });
    }
    const voided = await call((s, o) => s.invoices.voidInvoice(externalId, {}, o), { idempotencyKey: stepKey(options.idempotencyKey, "void") });
    return mapInvoice(call, parse(invoiceSchema, voided, `voided invoice ${externalId}`), fetchedStamp(serverSeconds(voided)));
  }

  /**
   * Money another system returned for this invoice, recorded as a credit note whose whole amount
   * is `out_of_band_amount`: Stripe's record of a refund made outside Stripe, which leaves the
   * invoice paid and no Refund or balance credit behind. Only a paid invoice takes it: on one that
   * still owes, Stripe would first lower what is owed (a pre-payment credit), which is not a
   * refund. The amount may not exceed what was paid; Stripe also refuses more than what remains
   * creditable after earlier credit notes and refunds. One POST under the caller's key, so a
   * retry replays it. No email goes to the customer (`email_type: none`): the refund was made
   * and announced elsewhere.
   * https://docs.stripe.com/api/credit_notes/create
   */
  async function recordRefund(draft: RefundDraft, options: WriteOptions): Promise<ExternalPayment> {
    const refund = checkRefundDraft("stripe", draft);
    const answer = await call((s, o) => s.invoices.retrieve(refund.invoiceExternalId, {}, o));
    const inv = parse(invoiceSchema, answer, `invoice ${refund.invoiceExternalId}`);
    if (refund.currency !== currencyCode(inv.currency)) {
      throw new ProviderError("stripe", "invalid", `Refund in ${refund.currency} for invoice ${inv.id} in ${currencyCode(inv.currency)}`, { code: "currency_mismatch" });
    }
    if (inv.status !== "paid") {
      throw new ProviderError("stripe", "invalid", `Invoice ${inv.id} is ${inv.status}: Stripe records a refund made elsewhere on a paid invoice only`, { code: "invoice_not_paid" });
    }
    if (refund.amountMinor > BigInt(inv.amount_paid)) {
      throw new ProviderError("stripe", "invalid", `Refund of ${refund.amountMinor} exceeds the ${inv.amount_paid} paid on invoice ${inv.id}`, { code: "refund_exceeds_paid" });
    }
    const amount = Number(refund.amountMinor);
    const created = await call(
      (s, o) =>
        s.creditNotes.create(
          {
            invoice: inv.id,
            amount,
            out_of_band_amount: amount,
            effective_at: midnightUtc(refund.refundedOn),
            email_type: "none",
            ...(refund.reference ? { memo: refund.reference } : {}),
          },
          o,
        ),
      { idempotencyKey: stepKey(options.idempotencyKey, "credit_note") },
    );
    const mapped = toCreditNoteRefund(parse(creditNoteSchema, created, "created credit note"), fetchedStamp(serverSeconds(created)));
    if (!mapped) throw new ProviderError("stripe", "server", `Stripe answered credit note ${(created as { id?: string }).id} without the out-of-band amount it was given`);
    return mapped;
  }

  /**
   * Stripe fixes the monetary values of a finalized invoice, and Concord edits no finalized Stripe
   * invoice (the payment gateway's due date drives its own reminders, which Concord leaves to it):
   * a patch is checked, an invoice already showing it is answered as it is, and anything else is
   * refused as "unsupported" without a write. The planner knows
   * this from `updatesIssued` and tells a person so instead of calling.
   * https://docs.stripe.com/api/invoices/update
   */
  async function updateInvoice(externalId: string, patch: InvoicePatch, _options: WriteOptions): Promise<ExternalInvoice> {
    const update = checkInvoicePatch("stripe", patch);
    const answer = await call((s, o) => s.invoices.retrieve(externalId, {}, o));
    const now = await mapInvoice(call, parse(invoiceSchema, answer, `invoice ${externalId}`), fetchedStamp(serverSeconds(answer)));
    if (alreadyApplied(now, update)) return now;
    throw new ProviderError("stripe", "unsupported", `Stripe invoice ${externalId} is finalized: Stripe fixes its amounts, and Concord does not edit finalized Stripe invoices`, { code: "finalized_invoice" });
  }

  return { createInvoice, recordPayment, recordRefund, voidInvoice, updateInvoice };
}
