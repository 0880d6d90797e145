/**
 * The Xero API client of one connection (one organisation): paged lists, single reads and the
 * incremental pull. Sales invoices (ACCREC), the payments on them, and the sales credit notes
 * that refund them in cash (read as refunds); bills and their payments (ACCPAY) are not
 * Concord's. Writes live in writes.ts, invoice updates in update.ts.
 * https://developer.xero.com/documentation/api/accounting/invoices#get-invoices
 */
import type { AccountingApi } from "xero-node";
import { ProviderError } from "../errors";
import type { ClientContext, ExternalCustomer, ExternalInvoice, ExternalPayment, Page, ProviderClient } from "../types";
import { parseAnswer, XeroApi, type XeroSettings } from "./api";
import { decodeCursor, encodeCursor } from "./cursor";
import { isCustomerContact, isInvoiceRefund, isSalesInvoice, isSalesPayment, mapCreditNoteRefund, mapCustomer, mapInvoice, mapPayment, xeroInstant } from "./mappers";
import { contactsEnvelope, creditNotesEnvelope, invoicesEnvelope, paymentsEnvelope, type XeroContact, type XeroCreditNote, type XeroInvoice, type XeroPayment } from "./schemas";
import { updateInvoice } from "./update";
import { createInvoice, recordPayment, recordRefund, voidInvoice, type WriteSettings } from "./writes";

export type XeroClientOptions = WriteSettings & {
  /** Records per page (Xero: 100 by default, at most 1,000). */
  pageSize: number;
  /** Requests per collection in one changes() call before it answers hasMore. */
  maxRequestsPerCollection: number;
};

/**
 * Account codes of Xero's demo company chart: 200 Sales (revenue) and 090 Business Bank Account.
 * Organisations with another chart pass their own codes (reading the chart needs the
 * accounting.settings.read scope, which Concord does not ask for).
 */
export const DEFAULT_CLIENT_OPTIONS: XeroClientOptions = { salesAccountCode: "200", bankAccountCode: "090", pageSize: 100, maxRequestsPerCollection: 5 };

type Query = { since?: Date; page: number; order: string; pageSize: number };

/** One collection as the list and changes functions need it. */
export type Collection<W, E> = {
  name: string;
  fetch: (api: XeroApi, q: Query) => Promise<W[]>;
  id: (w: W) => string;
  updatedMs: (w: W) => number;
  /** Records Concord reads from this collection (sales only, customers only). */
  keep: (w: W) => boolean;
  map: (w: W) => E;
  /**
   * Backfill pages are ordered by the immutable id: ordering by a field that changes would move
   * an edited record between pages while they are read and let another one slip past. Records
   * created during a backfill are caught by changes() from the cursor taken before it.
   */
  stableOrder: string;
};

export const invoices: Collection<XeroInvoice, ExternalInvoice> = {
  name: "Invoices",
  fetch: async (api, q) =>
    parseAnswer(
      invoicesEnvelope,
      // The where filter keeps paging on sales invoices only, so a full page means there may be more.
      await api.call({ idempotent: true }, (x, t) => x.getInvoices(t, q.since, 'Type=="ACCREC"', q.order, undefined, undefined, undefined, undefined, q.page, undefined, undefined, undefined, undefined, q.pageSize)),
      "Invoices",
    ).Invoices,
  id: (w) => w.InvoiceID,
  updatedMs: (w) => xeroInstant(w.UpdatedDateUTC),
  keep: isSalesInvoice,
  map: mapInvoice,
  stableOrder: "InvoiceID ASC",
};

export const payments: Collection<XeroPayment, ExternalPayment> = {
  name: "Payments",
  fetch: async (api, q) =>
    parseAnswer(paymentsEnvelope, await api.call({ idempotent: true }, (x, t) => x.getPayments(t, q.since, 'PaymentType=="ACCRECPAYMENT"', q.order, q.page, q.pageSize)), "Payments").Payments,
  id: (w) => w.PaymentID,
  updatedMs: (w) => xeroInstant(w.UpdatedDateUTC),
  keep: isSalesPayment,
  map: mapPayment,
  stableOrder: "PaymentID ASC",
};

/** Sales credit notes, of which those that refund an invoice are payments of kind REFUND. */
export const creditNotes: Collection<XeroCreditNote, ExternalPayment> = {
  name: "CreditNotes",
  fetch: async (api, q) =>
    parseAnswer(
      creditNotesEnvelope,
      // https://developer.xero.com/documentation/api/accounting/creditnotes#get-creditnotes
      await api.call({ idempotent: true }, (x, t) => x.getCreditNotes(t, q.since, 'Type=="ACCRECCREDIT"', q.order, q.page, undefined, q.pageSize)),
      "CreditNotes",
    ).CreditNotes,
  id: (w) => w.CreditNoteID,
  updatedMs: (w) => xeroInstant(w.UpdatedDateUTC),
  keep: isInvoiceRefund,
  map: mapCreditNoteRefund,
  stableOrder: "CreditNoteID ASC",
};

/** Payment lists read payments, then refunding credit notes from `cn:<page>`. */
const REFUND_PHASE = "cn:";

export const contacts: Collection<XeroContact, ExternalCustomer> = {
  name: "Contacts",
  fetch: async (api, q) =>
    // includeArchived: an archived contact still owns invoices Concord knows.
    parseAnswer(contactsEnvelope, await api.call({ idempotent: true }, (x, t) => x.getContacts(t, q.since, undefined, q.order, undefined, q.page, true, undefined, undefined, q.pageSize)), "Contacts").Contacts,
  id: (w) => w.ContactID,
  updatedMs: (w) => xeroInstant(w.UpdatedDateUTC),
  keep: isCustomerContact,
  map: mapCustomer,
  stableOrder: "ContactID ASC",
};

function pageNumber(cursor: string | null): number {
  if (cursor === null) return 1;
  const page = Number(cursor);
  if (!Number.isSafeInteger(page) || page < 1) throw new ProviderError("xero", "invalid", `"${cursor.slice(0, 50)}" is not a Xero page cursor`, { code: "invalid_cursor" });
  return page;
}

/** Xero pages are numbered from 1; a full page means there may be another. */
async function list<W, E>(api: XeroApi, spec: Collection<W, E>, cursor: string | null, pageSize: number): Promise<Page<E>> {
  const page = pageNumber(cursor);
  const items = await spec.fetch(api, { page, order: spec.stableOrder, pageSize });
  return { items: items.filter(spec.keep).map(spec.map), next: items.length >= pageSize ? String(page + 1) : null };
}

export type Pulled<W> = { records: W[]; position: number; complete: boolean };

/**
 * Everything changed after `sinceMs`, oldest first, paging by the change time itself (keyset):
 * each next request asks for records changed after the last one seen (minus 1 ms, so records
 * sharing its millisecond are read again rather than skipped). Page numbers would not do: a
 * record edited during the pull jumps to the end and shifts an unread one onto a page already read.
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#http-get
 */
export async function pull<W, E>(api: XeroApi, spec: Collection<W, E>, sinceMs: number, opts: { pageSize: number; maxRequests: number }): Promise<Pulled<W>> {
  const seen = new Map<string, W>();
  let since = sinceMs;
  let page = 1;
  let position = sinceMs;
  // Within one millisecond (page > 1) the keyset cannot move, so the budget never stops a pull
  // there: resuming would start that millisecond over and could never get past it.
  for (let request = 0; request < opts.maxRequests || page > 1; request++) {
    const items = await spec.fetch(api, { since: new Date(since), page, order: "UpdatedDateUTC ASC", pageSize: opts.pageSize });
    let last = since;
    for (const item of items) {
      const updated = spec.updatedMs(item);
      const previous = seen.get(spec.id(item));
      if (!previous || spec.updatedMs(previous) <= updated) seen.set(spec.id(item), item);
      last = Math.max(last, updated);
    }
    position = Math.max(position, last);
    if (items.length < opts.pageSize) return { records: [...seen.values()], position, complete: true };
    // A whole page within one millisecond cannot move `since` forward: take the next page instead.
    if (last - 1 > since) {
      since = last - 1;
      page = 1;
    } else page += 1;
  }
  // Out of budget: resume where the keyset stands (records at `since` + 1 ms are read again).
  return { records: [...seen.values()], position: since, complete: false };
}

export function createXeroClient(settings: XeroSettings, context: ClientContext, options: Partial<XeroClientOptions> = {}): ProviderClient {
  const opts = { ...DEFAULT_CLIENT_OPTIONS, ...options };
  const api = new XeroApi(settings, context);

  async function getOne<W, E>(spec: Collection<W, E>, read: (x: AccountingApi, t: string) => Promise<{ response: { data?: unknown } }>, pick: (data: unknown) => W | undefined): Promise<E | null> {
    try {
      const record = pick(await api.call({ idempotent: true }, read));
      return record && spec.keep(record) ? spec.map(record) : null;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "not_found") return null;
      throw error;
    }
  }

  const pullOpts = { pageSize: opts.pageSize, maxRequests: opts.maxRequestsPerCollection };

  return {
    listInvoices: (cursor) => list(api, invoices, cursor, opts.pageSize),
    async listPayments(cursor) {
      if (cursor?.startsWith(REFUND_PHASE)) {
        // Credit notes that refund no invoice are left out, so a page may be empty and still have a next one.
        const page = await list(api, creditNotes, cursor.slice(REFUND_PHASE.length) || null, opts.pageSize);
        return { items: page.items, next: page.next && `${REFUND_PHASE}${page.next}` };
      }
      const page = await list(api, payments, cursor, opts.pageSize);
      return { items: page.items, next: page.next ?? REFUND_PHASE };
    },
    listCustomers: (cursor) => list(api, contacts, cursor, opts.pageSize),
    // Bills (ACCPAY) and supplier payments answer null: they are not Concord's records.
    getInvoice: (id) => getOne(invoices, (x, t) => x.getInvoice(t, id), (d) => parseAnswer(invoicesEnvelope, d, "Invoice").Invoices[0]),
    // A payment, else a credit note that refunds an invoice (Xero ids are GUIDs: one or the other).
    getPayment: async (id) =>
      (await getOne(payments, (x, t) => x.getPayment(t, id), (d) => parseAnswer(paymentsEnvelope, d, "Payment").Payments[0])) ??
      (await getOne(creditNotes, (x, t) => x.getCreditNote(t, id), (d) => parseAnswer(creditNotesEnvelope, d, "CreditNote").CreditNotes[0])),
    getCustomer: (id) => getOne({ ...contacts, keep: () => true }, (x, t) => x.getContact(t, id), (d) => parseAnswer(contactsEnvelope, d, "Contact").Contacts[0]),
    // "From now on": the local clock, as an ISO instant (If-Modified-Since takes it as is).
    startCursor: async () => new Date().toISOString(),
    async changes(cursor) {
      const from = decodeCursor(cursor);
      // Four collections, four requests in flight at most: within Xero's 5 per organisation.
      const [inv, pay, cn, con] = await Promise.all([
        pull(api, invoices, from.invoices, pullOpts),
        pull(api, payments, from.payments, pullOpts),
        pull(api, creditNotes, from.creditNotes, pullOpts),
        pull(api, contacts, from.contacts, pullOpts),
      ]);
      return {
        invoices: inv.records.filter(invoices.keep).map(invoices.map),
        payments: [...pay.records.filter(payments.keep).map(payments.map), ...cn.records.filter(creditNotes.keep).map(creditNotes.map)],
        customers: con.records.filter(contacts.keep).map(contacts.map),
        cursor: encodeCursor({ invoices: inv.position, payments: pay.position, contacts: con.position, creditNotes: cn.position }),
        hasMore: !inv.complete || !pay.complete || !cn.complete || !con.complete,
      };
    },
    createInvoice: (draft, options) => createInvoice(api, opts, draft, options),
    recordPayment: (draft, options) => recordPayment(api, opts, draft, options),
    recordRefund: (draft, options) => recordRefund(api, opts, draft, options),
    voidInvoice: (id, options) => voidInvoice(api, id, options),
    updateInvoice: (id, patch, options) => updateInvoice(api, opts, id, patch, options),
  };
}
