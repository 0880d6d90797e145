/**
 * Credit notes in the Stripe sandbox through the official `stripe` package: money returned
 * outside Stripe on a paid invoice (out_of_band_amount), once per Idempotency-Key, the clover
 * split into pre- and post-payment amounts, the limits of what may be credited, customer
 * balance credits, voiding, lists, lines, expansion and events.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditNotesOf } from "./types";
import { client, newAccount, startStripe, type Harness } from "./test-support";

let h: Harness;
let stripe: Stripe;
let accountId: string;

beforeAll(async () => {
  h = await startStripe();
  const account = await newAccount(h, "Credit Notes Co", true);
  accountId = account.accountId;
  stripe = client(h, account.accessToken);
  h.sandbox.clock.scale = 40;
});
afterAll(async () => {
  await h.close();
});

const stored = () => creditNotesOf(h.sandbox.data.get(accountId)!);

async function invoiceFor(amounts: number[], currency = "usd") {
  const customer = await stripe.customers.create({ name: `Customer ${Math.random().toString(36).slice(2, 8)}` });
  const draft = await stripe.invoices.create({ customer: customer.id, currency, collection_method: "send_invoice", days_until_due: 30 });
  for (const amount of amounts) await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount, description: `Work ${amount}` });
  return { customer, invoice: await stripe.invoices.finalizeInvoice(draft.id) };
}

describe("credit notes", () => {
  it("records money returned outside Stripe on a paid invoice, once per idempotency key", async () => {
    const { customer, invoice } = await invoiceFor([6_000, 4_000]);
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    const params = { invoice: invoice.id, amount: 2_500, out_of_band_amount: 2_500, effective_at: 1_790_000_000, memo: "Refund wire 77", email_type: "none" as const, metadata: { source: "books" } };
    const note = await stripe.creditNotes.create(params, { idempotencyKey: "cn-1" });
    expect(note).toMatchObject({
      object: "credit_note",
      invoice: invoice.id,
      customer: customer.id,
      currency: "usd",
      amount: 2_500,
      total: 2_500,
      out_of_band_amount: 2_500,
      pre_payment_amount: 0,
      post_payment_amount: 2_500,
      type: "post_payment",
      status: "issued",
      effective_at: 1_790_000_000,
      memo: "Refund wire 77",
      metadata: { source: "books" },
      number: `${invoice.number}-CN-01`,
      voided_at: null,
    });
    expect(note.id).toMatch(/^cn_/);
    const replay = await stripe.creditNotes.create(params, { idempotencyKey: "cn-1" });
    expect(replay.id).toBe(note.id);
    expect(replay.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(stored().order.filter((id) => stored().byId[id]!.invoice === invoice.id)).toEqual([note.id]);

    // The invoice stays paid and counts the post-payment credit.
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "paid", amount_paid: 10_000, amount_remaining: 0, post_payment_credit_notes_amount: 2_500, pre_payment_credit_notes_amount: 0 });
    expect((await stripe.creditNotes.retrieve(note.id, { expand: ["invoice"] })).invoice).toMatchObject({ id: invoice.id, object: "invoice" });
    expect((await stripe.creditNotes.list({ invoice: invoice.id })).data.map((c) => c.id)).toEqual([note.id]);
    expect((await stripe.creditNotes.list({ customer: customer.id })).data.map((c) => c.id)).toEqual([note.id]);
    const created = await stripe.events.list({ type: "credit_note.created", limit: 1 });
    expect(created.data[0]!.data.object).toMatchObject({ id: note.id, out_of_band_amount: 2_500 });

    // Reusing the key for another credit note is another request's key.
    await expect(stripe.creditNotes.create({ ...params, amount: 100, out_of_band_amount: 100 }, { idempotencyKey: "cn-1" })).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    const second = await stripe.creditNotes.create({ invoice: invoice.id, lines: [{ type: "custom_line_item", description: "Goodwill", quantity: 2, unit_amount: 500 }], out_of_band_amount: 1_000 });
    expect(second).toMatchObject({ amount: 1_000, number: `${invoice.number}-CN-02` });
    expect(second.lines.data).toEqual([expect.objectContaining({ object: "credit_note_line_item", type: "custom_line_item", description: "Goodwill", quantity: 2, unit_amount: 500, amount: 1_000 })]);
    expect((await stripe.creditNotes.listLineItems(second.id)).data.map((l) => l.amount)).toEqual([1_000]);
  });

  it("refuses what Stripe refuses, and writes nothing then", async () => {
    const { invoice } = await invoiceFor([5_000]);
    const before = stored().order.length;
    // Open and unpaid: the whole amount lowers what is due, so nothing can go out of band.
    await expect(stripe.creditNotes.create({ invoice: invoice.id, amount: 1_000, out_of_band_amount: 1_000 })).rejects.toMatchObject({ statusCode: 400, param: "out_of_band_amount" });
    await stripe.invoices.pay(invoice.id);
    // Post-payment parts must add up to the amount.
    await expect(stripe.creditNotes.create({ invoice: invoice.id, amount: 1_000, out_of_band_amount: 900 })).rejects.toMatchObject({ statusCode: 400, param: "out_of_band_amount" });
    // No more than was paid.
    await expect(stripe.creditNotes.create({ invoice: invoice.id, amount: 5_001, out_of_band_amount: 5_001 })).rejects.toMatchObject({ statusCode: 400, param: "amount" });
    await expect(stripe.creditNotes.create({ invoice: invoice.id, out_of_band_amount: 100 })).rejects.toMatchObject({ statusCode: 400, code: "parameter_missing", param: "amount" });
    await expect(stripe.creditNotes.create({ invoice: invoice.id, amount: 100, refund_amount: 100 })).rejects.toMatchObject({ statusCode: 400, param: "refund_amount" });
    await expect(stripe.creditNotes.create({ invoice: "in_missing", amount: 100, out_of_band_amount: 100 })).rejects.toMatchObject({ statusCode: 400, code: "resource_missing", param: "invoice" });
    const draft = await stripe.invoices.create({ customer: invoice.customer as string, collection_method: "send_invoice", days_until_due: 3 });
    await expect(stripe.creditNotes.create({ invoice: draft.id, amount: 100 })).rejects.toMatchObject({ statusCode: 400, param: "invoice" });
    expect(stored().order.length).toBe(before);

    // Refund API refunds of the invoice's charge count against what may still be credited.
    const payment = (await stripe.invoicePayments.list({ invoice: invoice.id, status: "paid" })).data[0]!;
    await stripe.refunds.create({ payment_intent: payment.payment.payment_intent as string, amount: 3_000 });
    await expect(stripe.creditNotes.create({ invoice: invoice.id, amount: 2_001, out_of_band_amount: 2_001 })).rejects.toMatchObject({ param: "amount" });
    expect((await stripe.creditNotes.create({ invoice: invoice.id, amount: 2_000, out_of_band_amount: 2_000 })).post_payment_amount).toBe(2_000);
  });

  it("lowers what an open invoice owes first, pays it off, and credits the rest after payment", async () => {
    const { invoice } = await invoiceFor([10_000]);
    const deposit = await stripe.paymentIntents.create({ amount: 7_000, currency: "usd", payment_method: "pm_card_visa", confirm: true });
    await stripe.invoices.attachPayment(invoice.id, { payment_intent: deposit.id });
    const note = await stripe.creditNotes.create({ invoice: invoice.id, amount: 4_000, out_of_band_amount: 1_000 });
    expect(note).toMatchObject({ type: "mixed", pre_payment_amount: 3_000, post_payment_amount: 1_000, out_of_band_amount: 1_000 });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({ status: "paid", amount_due: 7_000, amount_paid: 7_000, amount_remaining: 0, pre_payment_credit_notes_amount: 3_000, post_payment_credit_notes_amount: 1_000 });
    const paid = await stripe.events.list({ type: "invoice.paid", limit: 1 });
    expect(paid.data[0]!.data.object).toMatchObject({ id: invoice.id });
    // A credit note that paid the invoice off cannot be undone here.
    await expect(stripe.creditNotes.voidCreditNote(note.id)).rejects.toMatchObject({ statusCode: 400, code: "credit_note_not_voidable" });

    const { invoice: small } = await invoiceFor([3_000]);
    const pre = await stripe.creditNotes.create({ invoice: small.id, amount: 1_000 });
    expect(pre).toMatchObject({ type: "pre_payment", pre_payment_amount: 1_000, post_payment_amount: 0, out_of_band_amount: null });
    expect(await stripe.invoices.retrieve(small.id)).toMatchObject({ status: "open", amount_due: 2_000, amount_remaining: 2_000 });
    const voided = await stripe.creditNotes.voidCreditNote(pre.id);
    expect(voided).toMatchObject({ status: "void", voided_at: expect.any(Number) });
    expect(await stripe.invoices.retrieve(small.id)).toMatchObject({ status: "open", amount_due: 3_000, amount_remaining: 3_000, pre_payment_credit_notes_amount: 0 });
    expect((await stripe.invoices.pay(small.id)).amount_paid).toBe(3_000);
  });

  it("credits the customer's balance, and voiding gives back what the note did", async () => {
    const { customer, invoice } = await invoiceFor([8_000], "eur");
    await stripe.invoices.pay(invoice.id, { paid_out_of_band: true });
    const note = await stripe.creditNotes.create({ invoice: invoice.id, amount: 3_000, credit_amount: 1_000, out_of_band_amount: 2_000, reason: "order_change" });
    expect(note).toMatchObject({ customer_balance_transaction: expect.stringMatching(/^cbtxn_/), reason: "order_change" });
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: -1_000 });
    expect(await stripe.creditNotes.update(note.id, { memo: "Partial refund" })).toMatchObject({ memo: "Partial refund" });

    const voided = await stripe.creditNotes.voidCreditNote(note.id);
    expect(voided.status).toBe("void");
    expect((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).toMatchObject({ balance: 0 });
    expect((await stripe.invoices.retrieve(invoice.id)).post_payment_credit_notes_amount).toBe(0);
    await expect(stripe.creditNotes.voidCreditNote(note.id)).rejects.toMatchObject({ statusCode: 400 });
    const events = await stripe.events.list({ types: ["credit_note.created", "credit_note.updated", "credit_note.voided"], limit: 3 });
    expect(events.data.map((e) => e.type)).toEqual(["credit_note.voided", "credit_note.updated", "credit_note.created"]);
    await expect(stripe.creditNotes.retrieve("cn_missing")).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
  });
});
