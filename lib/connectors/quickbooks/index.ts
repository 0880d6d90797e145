/**
 * The QuickBooks Online connector: Intuit OAuth (no PKCE, realmId on the callback, rotating
 * refresh tokens), the Accounting API v3 over typed fetch, CDC for incremental sync, and
 * `intuit-signature` webhooks in both body formats. Settings are read when a call is made, not
 * at import, so the app can start without QuickBooks configured and tests can pass their own.
 */
import { requireSettings, type ProviderSettings } from "../config";
import type { Connector } from "../types";
import { createClient, type ClientOptions } from "./client";
import { authorizeUrl, exchangeCode, refresh, revoke } from "./oauth";
import { parse, verify } from "./webhooks";

export function createQuickbooksConnector(settings: () => ProviderSettings<"quickbooks">, clientOptions: ClientOptions = {}): Connector {
  return {
    id: "quickbooks",
    label: "QuickBooks Online",
    // Refunds are RefundReceipts tied to their invoice through PrivateNote (writes.ts).
    supportsRefunds: true,
    // A sparse update changes DueDate and Line of an open invoice (update.ts).
    updatesIssued: { dueDate: true, lines: true },
    oauth: {
      // Intuit's OAuth 2.0 server does not take PKCE; the client secret authenticates the app.
      usesPkce: false,
      authorizeUrl: (params) => authorizeUrl(settings(), params),
      exchangeCode: (params) => exchangeCode(settings(), params),
      refresh: (tokens) => refresh(settings(), tokens),
      revoke: (tokens) => revoke(settings(), tokens),
    },
    webhooks: { verify, parse },
    client: (context) => createClient(settings(), context, clientOptions),
  };
}

export const quickbooksConnector: Connector = createQuickbooksConnector(() => requireSettings("quickbooks"));
