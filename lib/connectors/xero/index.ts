/**
 * The Xero connector: OAuth 2.0 with PKCE and several organisations per grant, the accounting
 * API through xero-node, If-Modified-Since pulls, and x-xero-signature webhooks. Settings are
 * read when a call is made, not at import, so the same module serves the real Xero and the
 * sandbox (CONCORD_PROVIDERS=sandbox) and tests can pass their own.
 */
import { requireSettings } from "../config";
import type { Connector } from "../types";
import type { XeroSettings } from "./api";
import { createXeroClient, type XeroClientOptions } from "./client";
import { authorizeUrl, exchangeCode, refresh, revoke } from "./oauth";
import { parse, verify } from "./webhooks";

export function createXeroConnector(settings: () => XeroSettings = () => requireSettings("xero"), clientOptions: Partial<XeroClientOptions> = {}): Connector {
  return {
    id: "xero",
    label: "Xero",
    // Refunds are credit notes refunded in cash, tied to their invoice by Reference (writes.ts).
    supportsRefunds: true,
    // POST /Invoices/{id}: the due date of an approved invoice, its lines while nothing is paid (update.ts).
    updatesIssued: { dueDate: true, lines: true },
    oauth: {
      usesPkce: true,
      authorizeUrl: (params) => authorizeUrl(settings(), params),
      exchangeCode: (params) => exchangeCode(settings(), params),
      refresh: (tokens) => refresh(settings(), tokens),
      // Revoking ends the grant for every organisation it covers (see oauth.ts).
      revoke: (tokens) => revoke(settings(), tokens),
    },
    webhooks: {
      // Xero signs no timestamp: there is nothing to compare `now` with.
      verify: (request, secret) => verify(request, secret),
      parse,
    },
    client: (context) => createXeroClient(settings(), context, clientOptions),
  };
}

export const xeroConnector: Connector = createXeroConnector();
