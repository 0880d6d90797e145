/**
 * The connector registry: one per provider, chosen by a switch whose `never` check makes a
 * missing provider a compile error.
 */
import { hubspotConnector } from "./hubspot";
import { quickbooksConnector } from "./quickbooks";
import { stripeConnector } from "./stripe";
import type { Connector, IssuedUpdates, ProviderId } from "./types";
import { xeroConnector } from "./xero";

export function connectorFor(provider: ProviderId): Connector {
  switch (provider) {
    case "stripe":
      return stripeConnector;
    case "quickbooks":
      return quickbooksConnector;
    case "xero":
      return xeroConnector;
    case "hubspot":
      return hubspotConnector;
    default: {
      const unknown: never = provider;
      throw new Error(`No connector for ${String(unknown)}`);
    }
  }
}

/**
 * Whether Concord can write a refund into this provider, without calling it: the planner skips
 * the others with this as the reason (HubSpot invoices have no refund record).
 */
export function supportsRefunds(provider: ProviderId): boolean {
  return connectorFor(provider).supportsRefunds;
}

/**
 * What Concord can change on an issued (open) invoice in this provider, without calling it: the
 * planner tells a person "Stripe cannot change a finalized invoice" from this rather than from a
 * refused write. True means the provider allows it in general; an invoice's own state (void,
 * payments applied) may still refuse it, with a typed error.
 */
export function canUpdateIssued(provider: ProviderId): IssuedUpdates {
  const { dueDate, lines } = connectorFor(provider).updatesIssued;
  return { dueDate, lines };
}

export { PROVIDER_IDS, type ProviderId, type Connector, type InvoicePatch, type IssuedUpdates } from "./types";
