/**
 * The QuickBooks Online API client of one connection (one realm): paged lists through the query
 * language, single reads, the CDC-based incremental feed, and the writes from writes.ts.
 * Payments are Payments (money in) and RefundReceipts that refund an invoice (money out).
 * Invoice updates are in update.ts.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/data-queries
 */
import type { ProviderSettings } from "../config";
import { ProviderError } from "../errors";
import type { Changes, ClientContext, ExternalCustomer, ExternalInvoice, ExternalPayment, Page, ProviderClient } from "../types";
import { advance, CDC_WINDOW_MS, cdcRequests, formatCursor, isoSeconds, OVERLAP_MS, parseCursor, type CdcCursor } from "./cursor";
import {
  deletedCustomer,
  deletedInvoice,
  deletedPayment,
  deletedRefundReceipt,
  isDeletedStub,
  lacksCurrency,
  parseQboTime,
  toCustomer,
  toInvoice,
  toPayment,
  toRefundReceipt,
  type MapOptions,
} from "./mappers";
import { createApi, mapped, unexpected } from "./request";
import { cdcEnvelope, companyInfoEnvelope, entityEnvelope, lastUpdatedSchema, preferencesEnvelope, queryEnvelope, type EntityName } from "./schemas";
import { createUpdate } from "./update";
import { createWrites, type Reads } from "./writes";

export type ClientOptions = {
  /** MAXRESULTS per list page; QuickBooks allows up to 1000. */
  pageSize?: number;
};

export const MAX_PAGE_SIZE = 1000;

/** Payment lists read Payments, then RefundReceipts from `rr:<start position>`. */
const REFUND_PHASE = "rr:";

const linked = <T>(items: (T | null)[]): T[] => items.filter((item): item is T => item !== null);

function startOf(pageCursor: string | null): number {
  if (pageCursor === null) return 1;
  if (!/^[1-9]\d*$/.test(pageCursor)) throw new RangeError(`"${pageCursor}" is not a QuickBooks page cursor`);
  return Number(pageCursor);
}

export function createClient(settings: ProviderSettings<"quickbooks">, context: ClientContext, options: ClientOptions = {}): ProviderClient {
  const api = createApi(settings, context);
  const pageSize = Math.min(options.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);

  let homeCurrency: Promise<string | null> | null = null;
  const mapOptions = async (items: unknown[]): Promise<MapOptions> => {
    if (!items.some(lacksCurrency)) return {};
    // Asked once per client, and only when a record comes without CurrencyRef.
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/preferences
    homeCurrency ??= api
      .call({ method: "GET", path: "/preferences", schema: preferencesEnvelope, idempotent: true })
      .then((answer) => answer.Preferences.CurrencyPrefs?.HomeCurrency?.value ?? null)
      .catch((error: unknown) => {
        homeCurrency = null; // a failed read is asked again next time, not remembered
        throw error;
      });
    return { homeCurrency: await homeCurrency };
  };

  // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#read-an-invoice
  const fetchEntity = async (entity: EntityName, id: string): Promise<unknown> => {
    try {
      const answer = await api.call({ method: "GET", path: `/${entity.toLowerCase()}/${encodeURIComponent(id)}`, schema: entityEnvelope, idempotent: true });
      const found = answer[entity];
      if (found === undefined) throw unexpected(`GET ${entity} ${id}`, `no ${entity} in the answer`);
      return found;
    } catch (error) {
      if (error instanceof ProviderError && error.kind === "not_found") return null;
      throw error;
    }
  };

  const reads: Reads = { api, mapOptions, fetchEntity };

  async function list<T>(entity: EntityName, where: string, pageCursor: string | null, map: (json: unknown, options: MapOptions) => T): Promise<Page<T>> {
    const start = startOf(pageCursor);
    // Ordered by Id so pages do not shift as records change; new records get higher Ids and land on
    // later pages. STARTPOSITION is an offset, though: a record deleted during a backfill moves the
    // rest back by one, and one unchanged record can be skipped until the next full pass (Intuit
    // documents no range filter on Id that keyset paging would need).
    const text = `SELECT * FROM ${entity}${where} ORDERBY Id STARTPOSITION ${start} MAXRESULTS ${pageSize}`;
    const answer = await api.call({ method: "GET", path: "/query", query: { query: text }, schema: queryEnvelope, idempotent: true });
    const rows = answer.QueryResponse[entity] ?? [];
    // Customers keep a null currency when they have none; only transactions need the home currency.
    const options = entity === "Customer" ? {} : await mapOptions(rows);
    const items = mapped(`the ${entity} list`, () => rows.map((row) => map(row, options)));
    return { items, next: rows.length >= pageSize ? String(start + rows.length) : null };
  }

  async function getOne<T>(entity: EntityName, id: string, map: (json: unknown, options: MapOptions) => T): Promise<T | null> {
    const json = await fetchEntity(entity, id);
    if (json === null) return null;
    const options = entity === "Customer" ? {} : await mapOptions([json]);
    return mapped(`${entity} ${id}`, () => map(json, options));
  }

  async function changes(cursorText: string): Promise<Changes> {
    const cursor = parseCursor(cursorText);
    const oldest = Math.min(cursor.Invoice, cursor.Payment, cursor.Customer);
    if (Date.now() - oldest > CDC_WINDOW_MS) {
      // Said here, with its own code, so the sync engine can tell "resync" from a broken request.
      throw new ProviderError("quickbooks", "invalid", `The sync cursor ${isoSeconds(oldest)} is older than QuickBooks' 30-day change window: a full resync is needed`, { code: "cursor_expired" });
    }
    const next: CdcCursor = { ...cursor };
    const result: Changes = { invoices: [], payments: [], customers: [], cursor: cursorText, hasMore: false };
    for (const request of cdcRequests(cursor)) {
      // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/changedatacapture
      const answer = await api.call({
        method: "GET",
        path: "/cdc",
        query: { entities: request.entities.join(","), changedSince: request.since },
        schema: cdcEnvelope,
        idempotent: true,
      });
      const lists: Record<EntityName, unknown[]> = { Invoice: [], Payment: [], Customer: [], RefundReceipt: [] };
      for (const response of answer.CDCResponse) {
        for (const part of response.QueryResponse) {
          for (const entity of request.entities) lists[entity].push(...(part[entity] ?? []));
        }
      }
      const options = await mapOptions([...lists.Invoice, ...lists.Payment, ...lists.RefundReceipt]);
      const invoices = mapped("CDC invoices", () => lists.Invoice.map((j) => (isDeletedStub(j) ? deletedInvoice(j) : toInvoice(j, options))));
      const payments = mapped("CDC payments", () => lists.Payment.map((j) => (isDeletedStub(j) ? deletedPayment(j) : toPayment(j, options))));
      const refunds = mapped("CDC refund receipts", () => linked(lists.RefundReceipt.map((j) => (isDeletedStub(j) ? deletedRefundReceipt(j) : toRefundReceipt(j, options)))));
      const customers = mapped("CDC customers", () => lists.Customer.map((j) => (isDeletedStub(j) ? deletedCustomer(j) : toCustomer(j))));
      result.invoices.push(...invoices);
      result.payments.push(...payments, ...refunds);
      result.customers.push(...customers);
      const times = (records: { updatedAt: Date }[]) => records.map((r) => r.updatedAt.getTime());
      // Every receipt counts for the cursor, the ones that refund no invoice too.
      const receiptTimes = mapped("CDC refund receipts", () => lists.RefundReceipt.map((j) => parseQboTime(lastUpdatedSchema.parse(j).MetaData.LastUpdatedTime).getTime()));
      const step = advance({
        entities: request.entities,
        since: Date.parse(request.since),
        serverTime: parseQboTime(answer.time).getTime(),
        seen: { Invoice: times(invoices), Payment: times(payments), Customer: times(customers), RefundReceipt: receiptTimes },
      });
      Object.assign(next, step.next);
      result.hasMore ||= step.capped;
    }
    result.cursor = formatCursor(next);
    return result;
  }

  return {
    listInvoices: (cursor) => list("Invoice", "", cursor, toInvoice),
    async listPayments(cursor) {
      if (cursor?.startsWith(REFUND_PHASE)) {
        const page = await list("RefundReceipt", "", cursor.slice(REFUND_PHASE.length) || null, toRefundReceipt);
        // Receipts that refund no invoice are left out, so a page may be empty and still have a next one.
        return { items: linked(page.items), next: page.next && `${REFUND_PHASE}${page.next}` };
      }
      const page = await list("Payment", "", cursor, toPayment);
      return { items: page.items, next: page.next ?? REFUND_PHASE };
    },
    // Inactive customers are QuickBooks' deleted ones; invoices still name them, so they are listed too.
    listCustomers: (cursor) => list("Customer", " WHERE Active IN (true, false)", cursor, (json) => toCustomer(json)),
    getInvoice: (id): Promise<ExternalInvoice | null> => getOne("Invoice", id, toInvoice),
    // Payments and RefundReceipts are transactions, numbered from one sequence: an Id is one or the other.
    getPayment: async (id): Promise<ExternalPayment | null> => (await getOne("Payment", id, toPayment)) ?? (await getOne("RefundReceipt", id, toRefundReceipt)),
    getCustomer: (id): Promise<ExternalCustomer | null> => getOne("Customer", id, (json) => toCustomer(json)),
    async startCursor() {
      // The server's clock, not ours: every answer carries its `time`; CompanyInfo is the cheapest read.
      // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/companyinfo
      const answer = await api.call({ method: "GET", path: `/companyinfo/${encodeURIComponent(api.realmId)}`, schema: companyInfoEnvelope, idempotent: true });
      return isoSeconds(parseQboTime(answer.time).getTime() - OVERLAP_MS);
    },
    changes,
    ...createWrites(reads),
    ...createUpdate(reads),
  };
}
