/**
 * Writes to QuickBooks Online: create an invoice (finding or creating its customer), record a
 * payment against an invoice, record a refund of one (a RefundReceipt), void an invoice. Every write carries a `requestid`, which makes
 * QuickBooks answer a repeat with the first answer, so the shared layer may retry it safely.
 * https://developer.intuit.com/app/developer/qbo/docs/learn/rest-api-features#idempotency
 */
import { createHash } from "node:crypto";
import { currencyCode, MoneyError, toDecimal, toMinor } from "../../normalize/money";
import { ProviderError } from "../errors";
import { checkRefundDraft, withRefundMarker } from "../refunds";
import type { ExternalInvoice, ExternalPayment, InvoiceDraft, PaymentDraft, ProviderClient, RefundDraft, WriteOptions } from "../types";
import { crossReferenceNote, toInvoice, toPayment, toRefundReceipt, type MapOptions } from "./mappers";
import { mapped, type Api } from "./request";
import { entityEnvelope, invoiceSchema, paymentSchema, queryEnvelope, type EntityName, type QboInvoice } from "./schemas";

/** What the writes need from the client's reads. */
export type Reads = {
  api: Api;
  mapOptions(items: unknown[]): Promise<MapOptions>;
  /** The entity as QuickBooks returned it, or null for an unknown or deleted Id. */
  fetchEntity(entity: EntityName, id: string): Promise<unknown>;
};

/** QuickBooks refuses a requestid longer than 50 characters. */
const MAX_REQUEST_ID = 50;
/**
 * Concord has no Items of its own; QuickBooks needs an ItemRef on a sales line. "1" is the
 * "Services" item every QuickBooks Online company is created with (the sandbox stores whatever
 * is sent and names "1" the same way), and the line's Description carries the real wording.
 */
export const DEFAULT_ITEM = { value: "1", name: "Services" } as const;
/** PaymentRefNum holds 21 characters; a longer reference goes to PrivateNote. */
const MAX_PAYMENT_REF = 21;
/** PrivateNote holds 4000 characters. */
const MAX_PRIVATE_NOTE = 4000;

/** The key itself when QuickBooks accepts it, else its SHA-256 (43 base64url characters), stable across retries. */
export function requestIdFor(key: string): string {
  return key.length <= MAX_REQUEST_ID && /^[\x21-\x7e]+$/.test(key) ? key : createHash("sha256").update(key, "utf8").digest("base64url");
}

/** Minor units as the JSON number QuickBooks reads; refuses amounts a double cannot carry exactly. */
export function wireAmount(minor: bigint, currency: string): number {
  const value = Number(toDecimal(minor, currency));
  if (toMinor(value, currency) !== minor) throw new MoneyError(`${toDecimal(minor, currency)} ${currency} cannot be sent exactly`);
  return value;
}

/**
 * quantity × unit price in minor units, rounded half away from zero, which is how QuickBooks
 * checks a sales line's Amount against Qty × UnitPrice (error 6070 otherwise).
 */
export function lineAmountMinor(quantity: string, unitAmountMinor: bigint): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(quantity.trim());
  if (!match) throw new MoneyError(`"${quantity}" is not a quantity`);
  const [, whole, fraction = ""] = match as unknown as [string, string, string?];
  const scale = 10n ** BigInt(fraction.length);
  const product = BigInt(whole + fraction) * unitAmountMinor;
  const magnitude = product < 0n ? -product : product;
  const rounded = (magnitude * 2n + scale) / (2n * scale);
  return product < 0n ? -rounded : rounded;
}

/** A string literal in the query language: single quotes, backslash escapes. */
export function queryLiteral(text: string): string {
  return `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function invalid(message: string, code?: string): ProviderError {
  return new ProviderError("quickbooks", "invalid", message, code ? { code } : {});
}

/** A Concord line as a QuickBooks sales line of the default item; Amount is Qty × UnitPrice as QuickBooks checks it. */
export function salesLine(line: InvoiceDraft["lines"][number], currency: string): Record<string, unknown> {
  return {
    DetailType: "SalesItemLineDetail",
    Description: line.description,
    Amount: wireAmount(lineAmountMinor(line.quantity, line.unitAmountMinor), currency),
    SalesItemLineDetail: { ItemRef: DEFAULT_ITEM, Qty: Number(line.quantity), UnitPrice: wireAmount(line.unitAmountMinor, currency) },
  };
}

export function invoiceBody(draft: InvoiceDraft, customerId: string): Record<string, unknown> {
  const currency = currencyCode(draft.currency);
  if (draft.lines.length === 0) throw invalid("An invoice needs at least one line");
  const body: Record<string, unknown> = {
    CustomerRef: { value: customerId },
    CurrencyRef: { value: currency },
    // Read back by crossReferenceOf; PrivateNote is internal, never shown to the customer.
    PrivateNote: crossReferenceNote(draft.concordId),
    Line: draft.lines.map((line) => salesLine(line, currency)),
  };
  if (draft.number) body.DocNumber = draft.number;
  if (draft.issueDate) body.TxnDate = draft.issueDate;
  if (draft.dueDate) body.DueDate = draft.dueDate;
  if (draft.memo) body.CustomerMemo = { value: draft.memo };
  if (draft.customer.email) body.BillEmail = { Address: draft.customer.email };
  return body;
}

export function createWrites({ api, mapOptions, fetchEntity }: Reads): Pick<ProviderClient, "createInvoice" | "recordPayment" | "recordRefund" | "voidInvoice"> {
  async function findCustomer(name: string): Promise<string | null> {
    // DisplayName is unique per company (case-insensitively), so at most one active match.
    const query = `SELECT * FROM Customer WHERE DisplayName = ${queryLiteral(name)} MAXRESULTS 1`;
    const answer = await api.call({ method: "GET", path: "/query", query: { query }, schema: queryEnvelope, idempotent: true });
    const found = answer.QueryResponse.Customer?.[0] as { Id?: unknown } | undefined;
    return found?.Id === undefined ? null : String(found.Id);
  }

  /** The draft's customer: by external id, else by DisplayName, else a new one. */
  async function customerFor(draft: InvoiceDraft, key: string): Promise<string> {
    if (draft.customer.externalId) return draft.customer.externalId;
    const name = draft.customer.name.trim();
    if (!name) throw invalid("The invoice's customer has no name");
    const existing = await findCustomer(name);
    if (existing) return existing;
    try {
      // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer#create-a-customer
      const answer = await api.call({
        method: "POST",
        path: "/customer",
        query: { requestid: requestIdFor(`${key}:customer`) },
        body: { DisplayName: name, CurrencyRef: { value: currencyCode(draft.currency) }, ...(draft.customer.email ? { PrimaryEmailAddr: { Address: draft.customer.email } } : {}) },
        schema: entityEnvelope,
        idempotent: true,
      });
      const id = (answer.Customer as { Id?: unknown } | undefined)?.Id;
      if (id === undefined) throw missing("a new Customer");
      return String(id);
    } catch (error) {
      // 6240: someone created the name since the lookup; use theirs.
      if (error instanceof ProviderError && error.kind === "conflict") {
        const raced = await findCustomer(name);
        if (raced) return raced;
      }
      throw error;
    }
  }

  function missing(what: string): ProviderError {
    return new ProviderError("quickbooks", "invalid", `QuickBooks answered ${what} without the entity`, { code: "unexpected_response" });
  }

  async function currentInvoice(id: string) {
    const json = await fetchEntity("Invoice", id);
    if (json === null) throw new ProviderError("quickbooks", "not_found", `QuickBooks has no invoice ${id}`);
    return { json, invoice: mapped(`Invoice ${id}`, () => invoiceSchema.parse(json)), mapped: mapped(`Invoice ${id}`, () => toInvoice(json)) };
  }

  /**
   * The account the invoice's money came in to, which a refund of it goes out of: the
   * DepositToAccountRef of the latest payment applied to it (QuickBooks answers Undeposited
   * Funds when a payment named no account). Payments are read newest first until one says.
   */
  async function depositAccountOf(invoice: QboInvoice): Promise<{ value: string; name?: string }> {
    const payments = invoice.LinkedTxn.filter((link) => link.TxnType === "Payment").reverse();
    for (const link of payments) {
      const json = await fetchEntity("Payment", link.TxnId);
      if (json === null) continue;
      const account = mapped(`Payment ${link.TxnId}`, () => paymentSchema.parse(json)).DepositToAccountRef;
      if (account) return account.name === undefined ? { value: account.value } : { value: account.value, name: account.name };
    }
    throw invalid(`No payment applied to invoice ${invoice.Id} says which account its money went into; a refund needs the account it is paid from`, "refund_account_unknown");
  }

  return {
    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#create-an-invoice
    async createInvoice(draft: InvoiceDraft, options: WriteOptions): Promise<ExternalInvoice> {
      const customerId = await customerFor(draft, options.idempotencyKey);
      const body = invoiceBody(draft, customerId);
      const answer = await api.call({ method: "POST", path: "/invoice", query: { requestid: requestIdFor(options.idempotencyKey) }, body, schema: entityEnvelope, idempotent: true });
      if (answer.Invoice === undefined) throw missing("the new Invoice");
      const mapOpts = await mapOptions([answer.Invoice]);
      return mapped("the new Invoice", () => toInvoice(answer.Invoice, mapOpts));
    },

    // https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/payment#create-a-payment
    async recordPayment(draft: PaymentDraft, options: WriteOptions): Promise<ExternalPayment> {
      const { invoice, mapped: current } = await currentInvoice(draft.invoiceExternalId);
      const currency = currencyCode(draft.currency);
      if (current.currency !== currency) throw invalid(`Invoice ${draft.invoiceExternalId} is in ${current.currency}, the payment in ${currency}`);
      if (draft.amountMinor <= 0n) throw invalid("A payment amount must be positive");
      if (!invoice.CustomerRef) throw invalid(`Invoice ${draft.invoiceExternalId} has no customer`);
      const amount = wireAmount(draft.amountMinor, currency);
      const reference = draft.reference?.trim() || null;
      const body: Record<string, unknown> = {
        CustomerRef: { value: invoice.CustomerRef.value },
        CurrencyRef: { value: currency },
        TotalAmt: amount,
        TxnDate: draft.paidOn,
        Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }],
      };
      if (reference && reference.length <= MAX_PAYMENT_REF) body.PaymentRefNum = reference;
      else if (reference) body.PrivateNote = reference;
      const answer = await api.call({ method: "POST", path: "/payment", query: { requestid: requestIdFor(options.idempotencyKey) }, body, schema: entityEnvelope, idempotent: true });
      if (answer.Payment === undefined) throw missing("the new Payment");
      return mapped("the new Payment", () => toPayment(answer.Payment, { homeCurrency: currency }));
    },

    /**
     * A RefundReceipt for the invoice's customer: one line of the amount (the default Services
     * item, described as the refund of the invoice), paid out of the account the invoice's
     * payment came in to (DepositToAccountRef, which QuickBooks requires), dated `refundedOn`.
     * QuickBooks has no link from a refund to an invoice (a RefundReceipt takes no LinkedTxn to
     * one), so PrivateNote starts with `refund-of:<invoice Id>`, which toRefundReceipt reads
     * back; the reference follows it, and goes to PaymentRefNum too when it fits. The invoice
     * itself does not change: a refund returns money, it does not change what was billed.
     * Checked first, so nothing is written otherwise: the draft, the invoice's currency, an
     * invoice that is not void and had at least this much paid. One POST with the caller's
     * requestid, so a retry gets the first answer.
     * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/refundreceipt#create-a-refundreceipt
     */
    async recordRefund(draft: RefundDraft, options: WriteOptions): Promise<ExternalPayment> {
      const refund = checkRefundDraft("quickbooks", draft);
      const { invoice, mapped: current } = await currentInvoice(refund.invoiceExternalId);
      if (current.currency !== refund.currency) throw invalid(`Invoice ${invoice.Id} is in ${current.currency}, the refund in ${refund.currency}`, "currency_mismatch");
      if (current.status === "VOID") throw invalid(`Invoice ${invoice.Id} is void: there is no payment of it to refund`, "invoice_void");
      if (refund.amountMinor > current.amountPaidMinor) throw invalid(`Refund of ${refund.amountMinor} exceeds the ${current.amountPaidMinor} paid on invoice ${invoice.Id}`, "refund_exceeds_paid");
      if (!invoice.CustomerRef) throw invalid(`Invoice ${invoice.Id} has no customer`);
      const account = await depositAccountOf(invoice);
      const amount = wireAmount(refund.amountMinor, refund.currency);
      const body: Record<string, unknown> = {
        CustomerRef: { value: invoice.CustomerRef.value },
        CurrencyRef: { value: refund.currency },
        TxnDate: refund.refundedOn,
        DepositToAccountRef: account,
        Line: [
          {
            DetailType: "SalesItemLineDetail",
            Description: `Refund of invoice ${invoice.DocNumber ?? invoice.Id}`,
            Amount: amount,
            SalesItemLineDetail: { ItemRef: DEFAULT_ITEM, Qty: 1, UnitPrice: amount },
          },
        ],
        PrivateNote: withRefundMarker(invoice.Id, refund.reference, MAX_PRIVATE_NOTE),
      };
      if (refund.reference && refund.reference.length <= MAX_PAYMENT_REF) body.PaymentRefNum = refund.reference;
      const answer = await api.call({ method: "POST", path: "/refundreceipt", query: { requestid: requestIdFor(options.idempotencyKey) }, body, schema: entityEnvelope, idempotent: true });
      if (answer.RefundReceipt === undefined) throw missing("the new RefundReceipt");
      const mappedRefund = mapped("the new RefundReceipt", () => toRefundReceipt(answer.RefundReceipt, { homeCurrency: refund.currency }));
      if (!mappedRefund) throw new ProviderError("quickbooks", "invalid", `QuickBooks answered RefundReceipt without the refund-of note it was given`, { code: "unexpected_response" });
      return mappedRefund;
    },

    /**
     * `POST /invoice?operation=void` with the current Id and SyncToken. Someone saving between our
     * read and the void makes the SyncToken stale (5010): read again and try once more, under a
     * second requestid, since QuickBooks keeps the stale answer for the first one.
     * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice#void-an-invoice
     */
    async voidInvoice(externalId: string, options: WriteOptions): Promise<ExternalInvoice> {
      for (let attempt = 1; ; attempt++) {
        const { invoice, mapped: current } = await currentInvoice(externalId);
        // Voiding twice is a business error in QuickBooks; for Concord it is done.
        if (current.status === "VOID") return current;
        const key = attempt === 1 ? options.idempotencyKey : `${options.idempotencyKey}:refetched`;
        try {
          const answer = await api.call({
            method: "POST",
            path: "/invoice",
            query: { operation: "void", requestid: requestIdFor(key) },
            body: { Id: invoice.Id, SyncToken: invoice.SyncToken },
            schema: entityEnvelope,
            idempotent: true,
          });
          if (answer.Invoice === undefined) throw missing("the voided Invoice");
          return mapped("the voided Invoice", () => toInvoice(answer.Invoice, { homeCurrency: current.currency }));
        } catch (error) {
          if (attempt === 1 && error instanceof ProviderError && error.kind === "stale") continue;
          throw error;
        }
      }
    },
  };
}
