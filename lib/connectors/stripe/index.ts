/**
 * The Stripe connector: Connect OAuth (Concord is the platform), the API client of a connected
 * account, and webhook verification and parsing. Settings are read when a call needs them, so
 * importing this module needs no configuration.
 */
import { requireSettings } from "../config";
import type { Connector } from "../types";
import { stripeClient } from "./client";
import { authorizeUrl, exchangeCode, refresh, revoke } from "./oauth";
import type { StripeSettings } from "./sdk";
import { parse, verify } from "./webhooks";

/** A Stripe connector on the given settings (tests pass the sandbox's). */
export function createStripeConnector(settings: () => StripeSettings): Connector {
  return {
    id: "stripe",
    label: "Stripe",
    // Refunds made elsewhere become credit notes with out_of_band_amount (writes.ts).
    supportsRefunds: true,
    // A finalized invoice's amounts are fixed in Stripe; Concord edits none (writes.ts).
    updatesIssued: { dueDate: false, lines: false },
    oauth: {
      usesPkce: false,
      authorizeUrl: (params) => authorizeUrl(settings(), params),
      exchangeCode: (params) => exchangeCode(settings(), params.code),
      refresh: (tokens) => refresh(settings(), tokens),
      revoke: (tokens, accountId) => revoke(settings(), tokens, accountId),
    },
    webhooks: { verify, parse },
    client: (context) => stripeClient(settings(), context),
  };
}

export const stripeConnector: Connector = createStripeConnector(() => requireSettings("stripe"));
