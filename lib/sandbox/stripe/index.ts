/**
 * The Stripe sandbox: API version 2026-10-28.endive (the one stripe-node 23.1.0 pins) over
 * form-encoded requests; customers, invoice items, invoices and their lifecycle, invoice payments,
 * payment intents, charges, refunds, payment records, credit notes, events and webhook endpoints; the account
 * itself; Connect OAuth; Stripe's errors, idempotency, 25 requests/second per account and signed
 * webhooks retried for three days.
 * Point the SDK at it with `new Stripe(key, { host: "127.0.0.1", port, protocol: "http" })`.
 */
import type { ApiRoutes, ProviderDefinition } from "../core/sandbox";
import { authenticate, limits } from "./auth";
import { errorShapes, randomToken } from "./errors";
import { oauthConfig, oauthRoutes } from "./oauth";
import { accountRoutes } from "./routes/account";
import { creditNoteRoutes } from "./routes/credit-notes";
import { customerRoutes } from "./routes/customers";
import { eventRoutes } from "./routes/events";
import { invoiceActionRoutes } from "./routes/invoice-actions";
import { invoiceItemRoutes } from "./routes/invoice-items";
import { invoiceRoutes } from "./routes/invoices";
import { paymentRecordRoutes } from "./routes/payment-records";
import { paymentRoutes } from "./routes/payments";
import { countObjects, seedStripe } from "./seed";
import { newStripeData, type StripeData } from "./types";
import { RETRY_SCHEDULE_MS } from "./webhooks";

export type { StripeData } from "./types";
export { API_VERSION } from "./types";
export { signatureHeader } from "./webhooks";

export const stripeSandbox: ProviderDefinition<StripeData> = {
  name: "stripe",
  label: "Stripe",
  defaultPort: 4101,
  // Random rather than from the sandbox's seeded rng, so ids never repeat after a restart from
  // a state file (the rng starts over; a repeated id would replace a restored account).
  newAccountId: () => `acct_${randomToken(16)}`,
  newData: newStripeData,
  counts: countObjects,
  seed: seedStripe,
  errors: errorShapes,
  oauth: oauthConfig,
  authenticate,
  limits,
  routes(api: ApiRoutes<StripeData>, publicRoutes, sandbox) {
    customerRoutes(api);
    invoiceItemRoutes(api);
    invoiceRoutes(api);
    invoiceActionRoutes(api);
    paymentRoutes(api);
    paymentRecordRoutes(api);
    creditNoteRoutes(api);
    eventRoutes(api);
    accountRoutes(api);
    oauthRoutes(publicRoutes, sandbox);
  },
  webhookRetryScheduleMs: RETRY_SCHEDULE_MS,
};
