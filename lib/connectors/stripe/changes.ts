/**
 * Incremental sync from the Events API: the cursor is the id of the newest event already read
 * (`evt_...`), or `t:<unix seconds>` when the account had no event yet. Events are read oldest
 * first, 100 at a time, filtered to the types Concord maps (mappers.ts EVENT_TYPES); each event's
 * object is the record as of that event. Stripe keeps events 30 days: an older cursor is `stale`
 * and the caller must run a full sync.
 * https://docs.stripe.com/api/events/list
 * https://docs.stripe.com/webhooks#events-overview
 */
import { ProviderError } from "../errors";
import type { Changes, ExternalCustomer, ExternalInvoice, ExternalPayment } from "../types";
import { eventFact, eventStamp, EVENT_TYPES, fetchedStamp, toCreditNoteRefund, toCustomer, toInvoice, toInvoicePayment, toRefund, type EventFact, type Stamp } from "./mappers";
import { allLines, invoiceLookup, PAGE_SIZE } from "./reads";
import { eventSchema, listSchema, parse, refundSchema, type StripeEvent, type StripeRefund } from "./schemas";
import { serverSeconds, type StripeCall } from "./sdk";

const TIME_CURSOR = /^t:(\d{1,12})$/;
const types = [...EVENT_TYPES];

/** "From now on": the newest event of interest, or the current time on Stripe's clock when there is none. */
export async function startCursor(call: StripeCall): Promise<string> {
  const answer = await call((s, o) => s.events.list({ types, limit: 1 }, o));
  const page = parse(listSchema(eventSchema), answer, "event list");
  return page.data[0]?.id ?? `t:${serverSeconds(answer)}`;
}

/** The next events after `cursor`, oldest first, and whether more wait. */
async function eventsAfter(call: StripeCall, cursor: string): Promise<{ events: StripeEvent[]; hasMore: boolean }> {
  const since = TIME_CURSOR.exec(cursor);
  if (since) {
    // Lists run newest first: walk down to the oldest page of events since then and start there.
    let oldest: StripeEvent[] = [];
    let hasMore = false;
    for (;;) {
      const last = oldest.at(-1)?.id;
      const answer = await call((s, o) => s.events.list({ types, created: { gte: Number(since[1]) }, limit: PAGE_SIZE, ...(last ? { starting_after: last } : {}) }, o));
      const page = parse(listSchema(eventSchema), answer, "event list");
      if (page.data.length === 0) break;
      if (oldest.length) hasMore = true;
      oldest = page.data;
      if (!page.has_more) break;
    }
    return { events: oldest.reverse(), hasMore };
  }
  if (!cursor.startsWith("evt_")) throw new ProviderError("stripe", "invalid", `Not a Stripe change cursor: ${cursor}`);
  try {
    // `ending_before` pages towards newer events; each page is still newest first.
    const answer = await call((s, o) => s.events.list({ types, ending_before: cursor, limit: PAGE_SIZE }, o));
    const page = parse(listSchema(eventSchema), answer, "event list");
    return { events: page.data.reverse(), hasMore: page.has_more };
  } catch (error) {
    if (error instanceof ProviderError && error.kind === "not_found") {
      throw new ProviderError("stripe", "stale", `The change cursor ${cursor} is older than the events Stripe keeps (30 days): run a full sync`, { code: error.details.code });
    }
    throw error;
  }
}

type Fact = { fact: EventFact; stamp: Stamp };

function factId(fact: Exclude<EventFact, { entity: "charge_refunded" }>): string {
  switch (fact.entity) {
    case "invoice":
      return fact.invoice.id;
    case "invoice_payment":
      return fact.payment.id;
    case "refund":
      return fact.refund.id;
    case "credit_note":
      return fact.creditNote.id;
    case "customer":
      return fact.customer.id;
    default: {
      const unknown: never = fact;
      throw new Error(`Unhandled Stripe fact ${JSON.stringify(unknown)}`);
    }
  }
}

export async function changes(call: StripeCall, cursor: string): Promise<Changes> {
  const { events, hasMore } = await eventsAfter(call, cursor);
  // The last event about an object wins: events arrive oldest first.
  const latest = new Map<string, Fact>();
  const refundedCharges: { chargeId: string; refunds: StripeRefund[] | null; stamp: Stamp }[] = [];
  for (const event of events) {
    const fact = eventFact(event);
    if (!fact) continue;
    const stamp = eventStamp(event.created);
    if (fact.entity === "charge_refunded") {
      refundedCharges.push({ chargeId: fact.charge.id, refunds: fact.charge.refunds?.data ?? null, stamp });
      continue;
    }
    const id = factId(fact);
    latest.set(`${fact.entity}:${id}`, { fact, stamp });
  }

  const invoices: ExternalInvoice[] = [];
  const payments = new Map<string, ExternalPayment>();
  const customers: ExternalCustomer[] = [];
  const invoicesOf = invoiceLookup(call);
  const refundedByEvent = new Set<string>();
  for (const { fact, stamp } of latest.values()) {
    switch (fact.entity) {
      case "invoice": {
        // Lines beyond the first 10 are read now; a draft deleted since keeps the ones the event had.
        const lines = fact.deleted ? undefined : await allLines(call, fact.invoice).catch((error: unknown) => {
          if (error instanceof ProviderError && error.kind === "not_found") return undefined;
          throw error;
        });
        invoices.push(toInvoice(fact.invoice, stamp, { lines, deleted: fact.deleted }));
        break;
      }
      case "invoice_payment":
        payments.set(fact.payment.id, toInvoicePayment(fact.payment, stamp));
        break;
      case "refund": {
        if (fact.refund.charge) refundedByEvent.add(fact.refund.charge);
        const ids = await invoicesOf(fact.refund);
        if (ids.length) payments.set(fact.refund.id, toRefund(fact.refund, ids, stamp));
        break;
      }
      case "credit_note": {
        // Credit notes without money returned outside Stripe are no payment (see toCreditNoteRefund).
        const refund = toCreditNoteRefund(fact.creditNote, stamp);
        if (refund) payments.set(fact.creditNote.id, refund);
        break;
      }
      case "customer":
        customers.push(toCustomer(fact.customer, stamp, { deleted: fact.deleted }));
        break;
      case "charge_refunded":
        break; // collected above
      default: {
        const unknown: never = fact;
        throw new Error(`Unhandled Stripe fact ${JSON.stringify(unknown)}`);
      }
    }
  }

  // A charge.refunded whose refunds have no event of their own here: read them from the charge.
  for (const { chargeId, refunds, stamp } of refundedCharges) {
    if (refundedByEvent.has(chargeId)) continue;
    refundedByEvent.add(chargeId);
    let found = refunds;
    let foundStamp = stamp;
    if (!found) {
      // https://docs.stripe.com/api/refunds/list (charge)
      const answer = await call((s, o) => s.refunds.list({ charge: chargeId, limit: PAGE_SIZE }, o));
      found = parse(listSchema(refundSchema), answer, `refunds of ${chargeId}`).data;
      foundStamp = fetchedStamp(serverSeconds(answer));
    }
    for (const refund of found) {
      if (payments.has(refund.id)) continue;
      const ids = await invoicesOf(refund);
      if (ids.length) payments.set(refund.id, toRefund(refund, ids, foundStamp));
    }
  }

  return { invoices, payments: [...payments.values()], customers, cursor: events.at(-1)?.id ?? cursor, hasMore };
}
