/**
 * The Stripe sandbox driven by the official `stripe` package, as an integration would use it:
 * invoices from draft to paid, partial and out-of-band payments, refunds, voids, auto-pagination,
 * webhooks verified with stripe.webhooks.constructEvent, idempotency, rate limits and faults.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, control, newAccount, receiver, startStripe, until, type Harness } from "./test-support";

const SCALE = 40;
let h: Harness;
let stripe: Stripe;
let accountId: string;
let token: string;

beforeAll(async () => {
  h = await startStripe();
  // Live mode's 100 requests a second leave room for a slow machine's bursts; the 429 tests use accounts of their own.
  const account = await newAccount(h, "Acme Sandbox", true);
  accountId = account.accountId;
  token = account.accessToken;
  stripe = client(h, token);
  // Local calls take well under the 40 ms that 25 requests/second allow: run the limits 40× faster
  // (the 429 test puts the real window back).
  h.sandbox.clock.scale = SCALE;
});
afterAll(async () => {
  await h.close();
});

async function draftWithItems(customer: string, amounts: number[], currency = "usd") {
  const invoice = await stripe.invoices.create({ customer, currency, collection_method: "send_invoice", days_until_due: 30 });
  for (const amount of amounts) await stripe.invoiceItems.create({ customer, invoice: invoice.id, amount, description: `Work ${amount}` });
  return stripe.invoices.retrieve(invoice.id);
}

describe("invoices through the SDK", () => {
  it("creates a customer and an invoice with an item, finalizes and pays it", async () => {
    const customer = await stripe.customers.create({ name: "Müller  GmbH", email: "billing@mueller.test", metadata: { crm_id: "42" } });
    expect(customer.id).toMatch(/^cus_[A-Za-z0-9]{14}$/);
    expect(customer.metadata).toEqual({ crm_id: "42" });

    const draft = await stripe.invoices.create({ customer: customer.id, currency: "EUR" });
    expect(draft).toMatchObject({ object: "invoice", status: "draft", number: null, currency: "eur", total: 0, livemode: false });
    const item = await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, unit_amount_decimal: Stripe.Decimal.from("1250.5"), quantity: 3, description: "Consulting" });
    expect(item).toMatchObject({ object: "invoiceitem", amount: 3752, invoice: draft.id, quantity: 3 });
    expect(item.quantity_decimal.toString()).toBe("3");

    const open = await stripe.invoices.finalizeInvoice(draft.id);
    expect(open.status).toBe("open");
    expect(open.number).toMatch(new RegExp(`^${customer.invoice_prefix}-0001$`));
    expect(open).toMatchObject({ subtotal: 3752, total: 3752, amount_due: 3752, amount_paid: 0, amount_remaining: 3752 });
    expect(open.status_transitions.finalized_at).toBeGreaterThan(0);
    expect(open.lines.data).toHaveLength(1);

    const paid = await stripe.invoices.pay(open.id, { expand: ["payments.data.payment.payment_intent", "customer"] });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 3752, amount_remaining: 0, attempted: true, attempt_count: 1 });
    expect((paid.customer as Stripe.Customer).name).toBe("Müller  GmbH");
    const payment = paid.payments!.data[0]!;
    expect(payment).toMatchObject({ object: "invoice_payment", status: "paid", amount_paid: 3752, is_default: true, invoice: open.id });
    const intent = payment.payment.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ object: "payment_intent", status: "succeeded", amount: 3752, amount_received: 3752, currency: "eur" });
    const charge = await stripe.charges.retrieve(intent.latest_charge as string);
    expect(charge).toMatchObject({ status: "succeeded", paid: true, amount: 3752, payment_intent: intent.id, customer: customer.id });

    const listed = await stripe.invoicePayments.list({ invoice: open.id });
    expect(listed.data.map((p) => p.id)).toEqual([payment.id]);
    await expect(stripe.invoices.pay(open.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });

  it("keeps partial payments as several InvoicePayments until the invoice is paid", async () => {
    const customer = await stripe.customers.create({ name: "Nakatomi Trading" });
    const inv = await stripe.invoices.finalizeInvoice((await draftWithItems(customer.id, [10_000, 5_000])).id);
    const deposit = await stripe.paymentIntents.create({ amount: 6_000, currency: "usd", customer: customer.id, payment_method: "pm_card_visa", confirm: true });
    expect(deposit.status).toBe("succeeded");
    const partly = await stripe.invoices.attachPayment(inv.id, { payment_intent: deposit.id });
    expect(partly).toMatchObject({ status: "open", total: 15_000, amount_paid: 6_000, amount_remaining: 9_000 });

    const rest = await stripe.invoices.pay(inv.id);
    expect(rest).toMatchObject({ status: "paid", amount_paid: 15_000, amount_remaining: 0 });
    const payments = await stripe.invoicePayments.list({ invoice: inv.id });
    expect(payments.data.map((p) => [p.status, p.amount_paid]).sort()).toEqual([
      ["paid", 6_000],
      ["paid", 9_000],
    ]);
  });

  it("pays out of band without a charge, and reports the off-Stripe amount on request", async () => {
    const customer = await stripe.customers.create({ name: "Wayne Holdings" });
    const inv = await stripe.invoices.finalizeInvoice((await draftWithItems(customer.id, [7_700], "jpy")).id);
    const charges = (await stripe.charges.list({ customer: customer.id })).data.length;
    const paid = await stripe.invoices.pay(inv.id, { paid_out_of_band: true, expand: ["amount_paid_off_stripe", "payments"] });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 7_700, amount_remaining: 0, amount_paid_off_stripe: 7_700, currency: "jpy" });
    expect(paid.payments!.data.find((p) => p.status === "paid")!.payment.type).toBe("payment_record");
    expect((await stripe.charges.list({ customer: customer.id })).data).toHaveLength(charges);
  });

  it("attaches Payment Records of payments made outside Stripe, partial then the rest", async () => {
    const customer = await stripe.customers.create({ name: "Oceanic Freight" });
    const inv = await stripe.invoices.finalizeInvoice((await draftWithItems(customer.id, [10_000])).id);
    const report = (value: number, reference: string) =>
      stripe.paymentRecords.reportPayment({
        amount_requested: { currency: "usd", value },
        initiated_at: 1_780_000_000,
        outcome: "guaranteed",
        guaranteed: { guaranteed_at: 1_780_000_000 },
        payment_method_details: { type: "custom", custom: { display_name: "Bank transfer" } },
        processor_details: { type: "custom", custom: { payment_reference: reference } },
        customer_details: { customer: customer.id },
        metadata: { source: "books" },
      });
    const first = await report(4_000, "wire-1");
    expect(first).toMatchObject({ object: "payment_record", amount_guaranteed: { currency: "usd", value: 4_000 }, reported_by: "self", metadata: { source: "books" } });
    expect(first.processor_details.custom?.payment_reference).toBe("wire-1");
    expect((await stripe.paymentRecords.retrieve(first.id)).id).toBe(first.id);

    const partly = await stripe.invoices.attachPayment(inv.id, { payment_record: first.id, expand: ["amount_paid_off_stripe"] });
    expect(partly).toMatchObject({ status: "open", amount_paid: 4_000, amount_remaining: 6_000, amount_paid_off_stripe: 4_000 });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: first.id })).rejects.toMatchObject({ statusCode: 400, param: "payment_record" });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: "pr_missing" })).rejects.toMatchObject({ statusCode: 400, code: "resource_missing" });
    const jpy = await stripe.paymentRecords.reportPayment({
      amount_requested: { currency: "jpy", value: 500 },
      initiated_at: 1_780_000_000,
      outcome: "guaranteed",
      guaranteed: { guaranteed_at: 1_780_000_000 },
      payment_method_details: { type: "custom", custom: { display_name: "Cash" } },
    });
    await expect(stripe.invoices.attachPayment(inv.id, { payment_record: jpy.id })).rejects.toMatchObject({ param: "payment_record" });

    const paid = await stripe.invoices.attachPayment(inv.id, { payment_record: (await report(6_000, "wire-2")).id });
    expect(paid).toMatchObject({ status: "paid", amount_paid: 10_000, amount_remaining: 0 });
    const payments = await stripe.invoicePayments.list({ invoice: inv.id, status: "paid" });
    expect(payments.data.map((p) => [p.payment.type, p.amount_paid]).sort()).toEqual([
      ["payment_record", 4_000],
      ["payment_record", 6_000],
    ]);
    const byRecord = await stripe.invoicePayments.list({ invoice: inv.id, payment: { type: "payment_record", payment_record: first.id } });
    expect(byRecord.data.map((p) => p.amount_paid)).toEqual([4_000]);
  });

  it("refuses a due date that has passed", async () => {
    const customer = await stripe.customers.create({ name: "Cyberdyne" });
    const past = Math.floor(Date.now() / 1000) - 86_400;
    await expect(stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice", due_date: past })).rejects.toMatchObject({ statusCode: 400, param: "due_date" });
    const future = Math.floor(Date.now() / 1000) + 86_400;
    expect((await stripe.invoices.create({ customer: customer.id, collection_method: "send_invoice", due_date: future })).due_date).toBe(future);
  });

  it("answers the account a key acts for", async () => {
    const account = await stripe.accounts.retrieveCurrent();
    expect(account).toMatchObject({ id: accountId, object: "account", business_profile: { name: "Acme Sandbox" }, settings: { dashboard: { display_name: "Acme Sandbox" } } });
  });

  it("declines a test card with a 402 card error and leaves the invoice open", async () => {
    const customer = await stripe.customers.create({ name: "Soylent Foods" });
    const inv = await stripe.invoices.finalizeInvoice((await draftWithItems(customer.id, [2_000])).id);
    const error = await stripe.invoices.pay(inv.id, { payment_method: "pm_card_chargeDeclinedInsufficientFunds" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "insufficient_funds" });
    expect(await stripe.invoices.retrieve(inv.id)).toMatchObject({ status: "open", attempted: true, attempt_count: 1, amount_paid: 0 });
    expect((await stripe.invoices.pay(inv.id)).status).toBe("paid");
  });

  it("refunds part and then the rest of a charge; the invoice stays paid", async () => {
    const customer = await stripe.customers.create({ name: "Stark Labs" });
    const inv = await stripe.invoices.pay((await draftWithItems(customer.id, [4_000])).id);
    const payment = (await stripe.invoicePayments.list({ invoice: inv.id })).data.find((p) => p.status === "paid")!;
    const intent = await stripe.paymentIntents.retrieve(payment.payment.payment_intent as string);
    const first = await stripe.refunds.create({ charge: intent.latest_charge as string, amount: 1_500, reason: "requested_by_customer" });
    expect(first).toMatchObject({ object: "refund", status: "succeeded", amount: 1_500, payment_intent: intent.id });
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({ amount_refunded: 1_500, refunded: false });
    await expect(stripe.refunds.create({ payment_intent: intent.id, amount: 9_999 })).rejects.toMatchObject({ type: "StripeInvalidRequestError", param: "amount" });
    const rest = await stripe.refunds.create({ payment_intent: intent.id });
    expect(rest.amount).toBe(2_500);
    expect(await stripe.charges.retrieve(intent.latest_charge as string)).toMatchObject({ amount_refunded: 4_000, refunded: true });
    expect((await stripe.invoices.retrieve(inv.id)).status).toBe("paid");
    const refunded = await stripe.events.list({ type: "charge.refunded", limit: 5 });
    expect((refunded.data[0]!.data.previous_attributes as { amount_refunded: number }).amount_refunded).toBe(1_500);
  });

  it("voids, marks uncollectible and deletes drafts only where Stripe allows it", async () => {
    const customer = await stripe.customers.create({ name: "Initech" });
    const draft = await draftWithItems(customer.id, [100]);
    await expect(stripe.invoices.voidInvoice(draft.id)).rejects.toMatchObject({ statusCode: 400 });
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    const voided = await stripe.invoices.voidInvoice(open.id);
    expect(voided.status).toBe("void");
    expect(voided.status_transitions.voided_at).toBeGreaterThan(0);
    await expect(stripe.invoices.pay(open.id)).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);

    const other = await stripe.invoices.finalizeInvoice((await draftWithItems(customer.id, [200])).id);
    expect((await stripe.invoices.markUncollectible(other.id)).status).toBe("uncollectible");
    expect((await stripe.invoices.pay(other.id)).status).toBe("paid");
    await expect(stripe.invoices.del(other.id)).rejects.toMatchObject({ statusCode: 400 });

    const doomed = await draftWithItems(customer.id, [300]);
    expect(await stripe.invoices.del(doomed.id)).toEqual({ id: doomed.id, object: "invoice", deleted: true });
    await expect(stripe.invoices.retrieve(doomed.id)).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
    expect(await stripe.invoices.update(voided.id, { metadata: { note: "duplicate" } })).toMatchObject({ metadata: { note: "duplicate" } });
    await expect(stripe.invoices.update(voided.id, { description: "too late" })).rejects.toMatchObject({ param: "description" });
  });

  it("auto-paginates 250 invoices newest first", async () => {
    const seeded = await newAccount(h, "Paging Co");
    await control(h, "POST", "/_sandbox/seed", { accountId: seeded.accountId, seed: "paging", customers: 12, invoices: 250 });
    const paging = client(h, seeded.accessToken);
    const ids: string[] = [];
    let previous = Infinity;
    for await (const inv of paging.invoices.list({ limit: 100 })) {
      expect(inv.created).toBeLessThanOrEqual(previous);
      previous = inv.created;
      ids.push(inv.id);
    }
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    const back = await paging.invoices.list({ limit: 3, ending_before: ids[10] });
    expect(back.data.map((i) => i.id)).toEqual(ids.slice(7, 10));
    const open = await paging.invoices.list({ status: "open", limit: 100 }).autoPagingToArray({ limit: 1000 });
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((i) => i.status === "open")).toBe(true);
  });
});

describe("webhooks", () => {
  it("delivers signed events to an endpoint made with the API, retrying failures with a fresh signature", async () => {
    const hook = await receiver([500]);
    try {
      const endpoint = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ["invoice.paid", "invoice.finalized"] });
      expect(endpoint.secret).toMatch(/^whsec_/);
      expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).secret).toBeUndefined();
      await control(h, "POST", "/_sandbox/clock", { scale: 100_000 });
      const customer = await stripe.customers.create({ name: "Hooli" });
      const inv = await stripe.invoices.pay((await draftWithItems(customer.id, [990])).id, {}, { idempotencyKey: "pay-hooli-1" });
      await until(() => hook.received.length >= 3);
      await control(h, "POST", "/_sandbox/clock", { scale: SCALE });

      // Whichever event met the 500 came again, the same event (unordered, as Stripe delivers).
      const byEvent = new Map<string, string[]>();
      for (const r of hook.received) byEvent.set(JSON.parse(r.body).id, [...(byEvent.get(JSON.parse(r.body).id) ?? []), r.body]);
      const twice = [...byEvent.values()].filter((bodies) => bodies.length === 2);
      expect(twice).toHaveLength(1);
      expect(twice[0]![1]).toBe(twice[0]![0]);
      for (const delivery of hook.received) {
        const header = delivery.headers["stripe-signature"] as string;
        const event = stripe.webhooks.constructEvent(delivery.body, header, endpoint.secret!);
        expect(event.data.object).toMatchObject({ id: inv.id, object: "invoice" });
        // An independent check of the documented scheme: v1 = HMAC-SHA256(secret, "<t>.<body>").
        const t = /t=(\d+)/.exec(header)![1]!;
        const v1 = /v1=([0-9a-f]{64})/.exec(header)![1]!;
        const expected = createHmac("sha256", endpoint.secret!).update(`${t}.${delivery.body}`).digest();
        expect(timingSafeEqual(expected, Buffer.from(v1, "hex"))).toBe(true);
        expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
      }
      const paidEvent = JSON.parse(hook.received.find((r) => JSON.parse(r.body).type === "invoice.paid")!.body);
      expect(paidEvent).toMatchObject({ object: "event", api_version: "2026-10-28.endive", livemode: false, request: { idempotency_key: "pay-hooli-1" } });
      expect(() => stripe.webhooks.constructEvent(hook.received[0]!.body.replace("invoice", "invoicX"), hook.received[0]!.headers["stripe-signature"] as string, endpoint.secret!)).toThrow(
        Stripe.errors.StripeSignatureVerificationError,
      );
      const stats = await control<{ webhooks: { retried: number; delivered: number } }>(h, "GET", "/_sandbox/stats");
      expect(stats.webhooks.retried).toBeGreaterThanOrEqual(1);
      expect((await stripe.webhookEndpoints.del(endpoint.id)).deleted).toBe(true);
    } finally {
      await hook.close();
    }
  });

  it("lists events with previous_attributes, by type and creation time", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    const customer = await stripe.customers.create({ name: "Vandelay Industries" });
    await stripe.customers.update(customer.id, { email: "art@vandelay.test" });
    const updated = await stripe.events.list({ type: "customer.updated", created: { gte: since } });
    const event = updated.data.find((e) => (e.data.object as Stripe.Customer).id === customer.id)!;
    expect(event.data.previous_attributes).toEqual({ email: null });
    expect(await stripe.events.retrieve(event.id)).toMatchObject({ id: event.id, type: "customer.updated" });
    const wildcard = await stripe.events.list({ type: "customer.*", limit: 100, created: { gte: since } });
    expect(new Set(wildcard.data.map((e) => e.type))).toEqual(new Set(["customer.created", "customer.updated"]));

    const inv = await stripe.invoices.pay((await draftWithItems(customer.id, [1_234])).id);
    const invoiceEvents = (await stripe.events.list({ types: ["invoice.updated", "invoice.paid"], limit: 100 })).data.filter((e) => (e.data.object as Stripe.Invoice).id === inv.id);
    const paidUpdate = invoiceEvents.find((e) => e.type === "invoice.updated" && (e.data.object as Stripe.Invoice).status === "paid")!;
    expect(paidUpdate.data.previous_attributes).toMatchObject({ status: "open", amount_paid: 0, amount_remaining: 1_234, status_transitions: { paid_at: null } });
    expect(invoiceEvents.filter((e) => e.type === "invoice.paid")).toHaveLength(1);
  });
});

describe("idempotency, limits and faults", () => {
  it("replays a request with the same Idempotency-Key and refuses other parameters under it", async () => {
    const first = await stripe.customers.create({ name: "Pied Piper" }, { idempotencyKey: "cus-pied-piper" });
    const again = await stripe.customers.create({ name: "Pied Piper" }, { idempotencyKey: "cus-pied-piper" });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    const error = await stripe.customers.create({ name: "Pied Pipers" }, { idempotencyKey: "cus-pied-piper" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    const created = await stripe.events.list({ type: "customer.created", limit: 100 });
    expect(created.data.filter((e) => (e.data.object as Stripe.Customer).id === first.id)).toHaveLength(1);
  });

  it("answers 429 beyond 25 requests a second per account, seen in stats", async () => {
    const busy = client(h, (await newAccount(h, "Busy")).accessToken);
    await control(h, "POST", "/_sandbox/clock", { scale: 1 });
    const before = (await control<{ rateLimited: number }>(h, "GET", "/_sandbox/stats")).rateLimited;
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => busy.customers.list({ limit: 1 })));
    const limited = results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason as Stripe.errors.StripeError);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(25);
    expect(limited).toHaveLength(15);
    expect(limited[0]).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(limited[0]).toMatchObject({ statusCode: 429, code: "rate_limit" });
    expect(Number(limited[0]!.headers?.["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await control<{ rateLimited: number }>(h, "GET", "/_sandbox/stats")).rateLimited).toBe(before + 15);
    // The window is 1 s of sandbox time: at 100× it is over after 10 ms.
    await control(h, "POST", "/_sandbox/clock", { scale: 100 });
    await new Promise((r) => setTimeout(r, 15));
    await expect(busy.customers.list({ limit: 1 })).resolves.toMatchObject({ object: "list" });
    await control(h, "POST", "/_sandbox/clock", { scale: SCALE });
  });

  it("gives live-mode accounts sk_live_ keys and 100 requests a second", async () => {
    const live = await newAccount(h, "Live", true);
    expect(live.accessToken).toMatch(/^sk_live_/);
    const busy = client(h, live.accessToken);
    await control(h, "POST", "/_sandbox/clock", { scale: 1 });
    try {
      const results = await Promise.allSettled(Array.from({ length: 110 }, () => busy.customers.list({ limit: 1 })));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(100);
      expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ statusCode: 429 });
    } finally {
      await control(h, "POST", "/_sandbox/clock", { scale: SCALE });
    }
  });

  it("injects 500/503 api_errors and timeouts, counted in stats", async () => {
    const before = (await control<{ faultsInjected: number }>(h, "GET", "/_sandbox/stats")).faultsInjected;
    await control(h, "POST", "/_sandbox/faults", { errorRate: 1, paths: ["/v1/customers"] });
    const error = await stripe.customers.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect([500, 503]).toContain((error as Stripe.errors.StripeError).statusCode);
    expect((await stripe.invoices.list({ limit: 1 })).object).toBe("list");
    await control(h, "POST", "/_sandbox/faults", { timeoutRate: 1, paths: ["/v1/customers"] });
    const impatient = client(h, token, { timeout: 200 });
    await expect(impatient.customers.list()).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    await control(h, "POST", "/_sandbox/faults", {});
    expect((await control<{ faultsInjected: number }>(h, "GET", "/_sandbox/stats")).faultsInjected).toBe(before + 2);
    expect(accountId).toMatch(/^acct_[A-Za-z0-9]{16}$/);
  });
});
