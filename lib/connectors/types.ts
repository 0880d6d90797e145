/**
 * What every connector speaks: provider records mapped to one shape (money in minor units,
 * calendar dates as YYYY-MM-DD, canonical statuses), OAuth, webhooks and writes. Providers
 * differ behind this interface; nothing above lib/connectors knows a provider's wire format.
 */
export const PROVIDER_IDS = ["stripe", "quickbooks", "xero", "hubspot"] as const;
export type ProviderId = (typeof PROVIDER_IDS)[number];

export type InvoiceStatus = "DRAFT" | "OPEN" | "PARTIALLY_PAID" | "PAID" | "VOID" | "UNCOLLECTIBLE";

/** A provider record as Concord sees it. `version` orders records: a lower one never overwrites a higher one. */
type RecordBase = {
  externalId: string;
  /** Comparable within one provider: zero-padded so that string order is version order. */
  version: string;
  updatedAt: Date;
  deleted: boolean;
  raw: unknown;
};

export type ExternalLine = { description: string; quantity: string; unitAmountMinor: bigint; amountMinor: bigint };

export type ExternalInvoice = RecordBase & {
  number: string | null;
  customerExternalId: string | null;
  currency: string;
  totalMinor: bigint;
  amountPaidMinor: bigint;
  amountDueMinor: bigint;
  status: InvoiceStatus;
  issueDate: string | null;
  dueDate: string | null;
  paidDate: string | null;
  memo: string | null;
  /** The Concord invoice id Concord wrote into the record (metadata, PrivateNote, Reference, property). */
  crossReference: string | null;
  lines: ExternalLine[];
};

export type ExternalPayment = RecordBase & {
  kind: "PAYMENT" | "REFUND";
  invoiceExternalIds: string[];
  customerExternalId: string | null;
  currency: string;
  amountMinor: bigint;
  paidOn: string;
};

export type ExternalCustomer = RecordBase & { name: string; email: string | null; currency: string | null };

export type EntityKind = "invoice" | "payment" | "customer";

export type Page<T> = { items: T[]; next: string | null };

/** What changed since a cursor; `hasMore` asks for another call right away. */
export type Changes = {
  invoices: ExternalInvoice[];
  payments: ExternalPayment[];
  customers: ExternalCustomer[];
  cursor: string;
  hasMore: boolean;
};

export type TokenSet = {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch milliseconds; null when the provider does not say. */
  expiresAt: number | null;
  scope: string | null;
};

export type AccountIdentity = { externalAccountId: string; displayName: string };

/** A webhook turned into hints: a webhook says something changed; the record is fetched fresh. */
export type WebhookEvent = {
  /** The provider account the event belongs to (Stripe account, realm, tenant, portal). */
  accountId: string;
  /** The provider's event id, or a hash of the payload where there is none. */
  eventId: string;
  eventType: string;
  occurredAt: Date;
  hints: { entity: EntityKind; externalId: string; deleted: boolean }[];
};

export type WebhookRequest = { method: string; url: string; headers: Headers; rawBody: string };
export type Verification = { ok: true } | { ok: false; reason: string };

export type InvoiceDraft = {
  /** Concord's invoice id, written into the provider record as the cross-reference. */
  concordId: string;
  number: string | null;
  customer: { externalId: string | null; name: string; email: string | null };
  currency: string;
  issueDate: string | null;
  dueDate: string | null;
  memo: string | null;
  lines: { description: string; quantity: string; unitAmountMinor: bigint }[];
};

export type PaymentDraft = {
  invoiceExternalId: string;
  amountMinor: bigint;
  currency: string;
  paidOn: string;
  reference: string | null;
};

/**
 * Money returned to the customer for an invoice, written into a system that did not make the
 * refund itself (the payment source did). Read back, it is an ExternalPayment of kind REFUND
 * linked to `invoiceExternalId`, with this amount, currency and date.
 */
export type RefundDraft = {
  /** The invoice in the target system whose payment is refunded. */
  invoiceExternalId: string;
  /** Positive: the money that went back to the customer. */
  amountMinor: bigint;
  currency: string;
  /** YYYY-MM-DD: when the money went back. */
  refundedOn: string;
  reference: string | null;
};

/**
 * A change to an issued invoice, as a person decided it in the conflict inbox: a new due date,
 * new lines (replacing every line, so the total becomes theirs), or both; at least one.
 */
export type InvoicePatch = {
  /** YYYY-MM-DD. */
  dueDate?: string;
  lines?: { description: string; quantity: string; unitAmountMinor: bigint }[];
};

/** What a provider lets Concord change on an issued (open) invoice, known without calling it. */
export type IssuedUpdates = { dueDate: boolean; lines: boolean };

export type WriteOptions = { idempotencyKey: string };

/** The API client of one connection. Access tokens come from the vault through `accessToken()`. */
export interface ProviderClient {
  listInvoices(pageCursor: string | null): Promise<Page<ExternalInvoice>>;
  listPayments(pageCursor: string | null): Promise<Page<ExternalPayment>>;
  listCustomers(pageCursor: string | null): Promise<Page<ExternalCustomer>>;
  getInvoice(externalId: string): Promise<ExternalInvoice | null>;
  getPayment(externalId: string): Promise<ExternalPayment | null>;
  getCustomer(externalId: string): Promise<ExternalCustomer | null>;
  /** A cursor meaning "from now on", taken before a backfill so nothing between is missed. */
  startCursor(): Promise<string>;
  changes(cursor: string): Promise<Changes>;
  createInvoice(draft: InvoiceDraft, options: WriteOptions): Promise<ExternalInvoice>;
  recordPayment(draft: PaymentDraft, options: WriteOptions): Promise<ExternalPayment>;
  /**
   * Records a refund of the invoice's payment, once per idempotency key. A provider that has no
   * refund record for invoices (`Connector.supportsRefunds` false) throws ProviderError
   * "unsupported" and writes nothing.
   */
  recordRefund(draft: RefundDraft, options: WriteOptions): Promise<ExternalPayment>;
  voidInvoice(externalId: string, options: WriteOptions): Promise<ExternalInvoice>;
  /**
   * Applies `patch` to the invoice once per idempotency key (a repeat leaves the same state) and
   * answers the invoice as read back after it. A patch the provider's rules refuse (a void
   * invoice, lines on an invoice with payments, a finalized Stripe invoice) throws ProviderError
   * "invalid" or "unsupported" with a code, and writes nothing; so does a malformed patch
   * (code "invalid_update").
   */
  updateInvoice(externalId: string, patch: InvoicePatch, options: WriteOptions): Promise<ExternalInvoice>;
}

export type ClientContext = {
  /** The connection's provider account (Stripe account, realm, tenant, portal). */
  accountId: string;
  /** A fresh access token; `forceRefresh` after the provider answered 401. */
  accessToken: (forceRefresh?: boolean) => Promise<string>;
  /** Key for the connection's rate limits in the shared HTTP layer. */
  connectionKey: string;
};

export interface Connector {
  id: ProviderId;
  label: string;
  /** Whether `recordRefund` can write a refund here; when false it throws "unsupported". */
  supportsRefunds: boolean;
  /** Whether `updateInvoice` can change an issued (open) invoice's due date and lines here. */
  updatesIssued: IssuedUpdates;
  oauth: {
    usesPkce: boolean;
    authorizeUrl(params: { state: string; redirectUri: string; codeChallenge: string | null }): string;
    /** Exchanges the code and reads the identities the grant covers (Xero: several tenants). */
    exchangeCode(params: { code: string; redirectUri: string; codeVerifier: string | null; callback: URLSearchParams }): Promise<{ tokens: TokenSet; accounts: AccountIdentity[] }>;
    refresh(tokens: TokenSet): Promise<TokenSet>;
    revoke(tokens: TokenSet, accountId: string): Promise<void>;
  };
  webhooks: {
    verify(request: WebhookRequest, secret: string, now: Date): Verification;
    /** Throws WebhookPayloadError on a body that is not the provider's shape. */
    parse(rawBody: string): WebhookEvent[];
  };
  client(context: ClientContext): ProviderClient;
}
