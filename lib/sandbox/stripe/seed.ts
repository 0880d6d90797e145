/**
 * Seeding: the core's neutral business records become Stripe objects through the same operations
 * the API uses (so seeded data obeys the same rules): customers, send_invoice invoices built from
 * invoice items, finalized with the seed's invoice numbers, then paid by card or out of band,
 * partially paid by a separate PaymentIntent, or voided. Ids and dates are deterministic for a
 * seed; seeding records no events.
 */
import type { ApiContext } from "../core/sandbox";
import { generateSeed, type SeedInput } from "../core/seed";
import { Rng } from "../core/rng";
import type { Ctx } from "./context";
import { attachItem, finalize, voidInvoice } from "./lifecycle";
import { newCustomer, newInvoice, newInvoiceItem, newPaymentIntent } from "./objects";
import { attachPayment, confirmIntent, payInvoice } from "./payments";
import { count, insert } from "./table";
import type { Customer, StripeData } from "./types";

const HOUR = 3_600;
const DAY = 86_400;
const epoch = (isoDate: string) => Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 1000);

function tally(data: StripeData) {
  return {
    customers: count(data.customers),
    invoices: count(data.invoices),
    invoiceitems: count(data.invoiceItems),
    invoice_payments: count(data.invoicePayments),
    payment_intents: count(data.paymentIntents),
    charges: count(data.charges),
  };
}

export function seedStripe(api: ApiContext<StripeData>, input: SeedInput): Record<string, number> {
  const data = api.data;
  const before = tally(data);
  const { customers, invoices } = generateSeed(input);
  const rng = new Rng(`stripe:${input.seed}:${data.seedRuns++}`);
  const ctx: Ctx = { data, accountId: api.account.id, accountName: api.account.name, now: 0, id: (prefix, length = 24) => `${prefix}_${rng.id(length)}`, emit: () => {} };

  const byKey = new Map<string, Customer>();
  const firstIssue = invoices.reduce((min, inv) => Math.min(min, epoch(inv.issueDate)), epoch("2026-01-05"));
  customers.forEach((c, i) => {
    ctx.now = firstIssue - (customers.length - i) * HOUR - 30 * DAY;
    const customer = insert(data.customers, newCustomer(ctx, { name: c.name, email: c.email, currency: c.currency.toLowerCase() }));
    byKey.set(c.key, customer);
  });

  const ordered = [...invoices].sort((a, b) => a.issueDate.localeCompare(b.issueDate) || a.key.localeCompare(b.key, "en", { numeric: true }));
  for (const record of ordered) {
    const customer = byKey.get(record.customerKey)!;
    const created = epoch(record.issueDate) + rng.int(8 * HOUR, 18 * HOUR);
    ctx.now = created;
    const currency = record.currency.toLowerCase();
    const inv = newInvoice(ctx, customer, { currency, collection_method: "send_invoice", due_date: epoch(record.dueDate) + 23 * HOUR + 59 * 60 });
    insert(data.invoices, inv);
    for (const line of record.lines) {
      const item = newInvoiceItem(ctx, {
        customer: customer.id,
        currency,
        amount: line.quantity * line.unitAmountMinor,
        quantity: line.quantity,
        unit_amount_decimal: String(line.unitAmountMinor),
        description: line.description,
        invoice: null,
        metadata: {},
      });
      insert(data.invoiceItems, item);
      attachItem(ctx, inv, item);
    }
    if (record.state === "draft") continue;
    ctx.now = created + rng.int(5, 90) * 60;
    inv.number = record.number;
    finalize(ctx, inv);
    const payment = record.payments[0];
    const paidAt = payment ? Math.max(ctx.now + HOUR, epoch(payment.date) + rng.int(8 * HOUR, 20 * HOUR)) : 0;
    if (record.state === "paid") {
      ctx.now = paidAt;
      payInvoice(ctx, inv, { outOfBand: rng.chance(0.25) });
    } else if (record.state === "partially_paid" && payment) {
      ctx.now = paidAt;
      const intent = insert(data.paymentIntents, newPaymentIntent(ctx, { amount: payment.amountMinor, currency, customer: customer.id, description: `Partial payment for ${inv.number}` }));
      attachPayment(ctx, inv, intent);
      confirmIntent(ctx, intent, "pm_card_visa");
    } else if (record.state === "void") {
      ctx.now += rng.int(1, 20) * DAY;
      voidInvoice(ctx, inv);
    }
  }
  const after = tally(data);
  return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - before[k as keyof typeof before]]));
}

export function countObjects(data: StripeData): Record<string, number> {
  return { ...tally(data), refunds: count(data.refunds), payment_records: data.paymentRecords ? count(data.paymentRecords) : 0, credit_notes: data.creditNotes ? count(data.creditNotes) : 0, events: count(data.events), webhook_endpoints: count(data.webhookEndpoints) };
}
