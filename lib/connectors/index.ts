/**
 * The connector registry: one per provider, chosen by a switch whose `never` check makes a
 * missing provider a compile error.
 */
import { hubspotConnector } from "./hubspot";
import { quickbooksConnector } from "./quickbooks";
import { stripeConnector } from "./stripe";
import type { Connector, ProviderId } from "./types";
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

export { PROVIDER_IDS, type ProviderId, type Connector } from "./types";
