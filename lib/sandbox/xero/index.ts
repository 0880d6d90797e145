/**
 * The Xero Accounting API sandbox: organisations (tenants) picked by `xero-tenant-id`, invoices,
 * contacts, payments and credit notes (with cash refunds) under /api.xro/2.0 in Xero's JSON
 * (Microsoft JSON dates, decimal amounts), GET /connections, Xero's OAuth paths,
 * x-xero-signature webhooks with intent to receive, and Xero's per-organisation limits.
 * xero-node's AccountingApi works against it with `basePath` set to `<sandbox url>/api.xro/2.0`.
 */
import { randomUUID } from "node:crypto";
import type { ProviderDefinition } from "../core/sandbox";
import { authenticate, limitHeaders, limits } from "./auth";
import { connectionRoutes } from "./connections";
import { contactRoutes } from "./contacts";
import { creditNoteRoutes } from "./credit-notes";
import { notFound, rateLimited, serverError, tooLarge, unauthorized } from "./errors";
import { oauthConfig } from "./identity";
import { invoiceRoutes } from "./invoices";
import { paymentRoutes } from "./payments";
import { seedXero } from "./seed";
import { settingsRoutes } from "./settings";
import { newXeroData, type XeroData } from "./types";
import { intentToReceive, intentToReceiveRoute, RETRY_SCHEDULE_MS } from "./webhooks";

export type { XeroData } from "./types";

export const xeroSandbox: ProviderDefinition<XeroData> = {
  name: "xero",
  label: "Xero",
  defaultPort: 4103,
  // Random, not from the sandbox's seeded rng: after a restart from a state file that rng starts
  // over and would hand out the ids of existing organisations again.
  newAccountId: () => randomUUID(),
  newData: newXeroData,
  counts: (data) => ({
    contacts: Object.keys(data.contacts).length,
    invoices: Object.keys(data.invoices).length,
    payments: Object.keys(data.payments).length,
    creditNotes: Object.keys(data.creditNotes ?? {}).length,
  }),
  seed: seedXero,
  errors: { unauthorized: () => unauthorized(), notFound: () => notFound(), rateLimited, serverError, tooLarge },
  // A copy per sandbox: the control API changes token lifetimes on the object it is given.
  get oauth() {
    return { ...oauthConfig, paths: { ...oauthConfig.paths } };
  },
  authenticate,
  limits,
  limitHeaders,
  routes(api, publicRoutes, sandbox) {
    invoiceRoutes(api);
    contactRoutes(api);
    paymentRoutes(api);
    creditNoteRoutes(api);
    settingsRoutes(api);
    connectionRoutes(publicRoutes, sandbox);
    intentToReceiveRoute(publicRoutes, sandbox);
  },
  webhookRetryScheduleMs: RETRY_SCHEDULE_MS,
  onSubscribe: (sub, sandbox) => intentToReceive(sub, () => sandbox.clock.now()),
};
