/**
 * Where each provider lives and the app's credentials there. The same connector code talks to
 * the real provider or to its sandbox: only these URLs and credentials differ. With
 * CONCORD_PROVIDERS=sandbox every URL defaults to the local sandbox and the sandbox's OAuth client.
 */
import { z } from "zod";
import type { ProviderId } from "./types";

const SANDBOX_CLIENT = { id: "concord-sandbox-client", secret: "concord-sandbox-secret" };

const REAL_URLS = {
  stripe: { api: "https://api.stripe.com", connect: "https://connect.stripe.com" },
  quickbooks: {
    api: "https://quickbooks.api.intuit.com",
    authorize: "https://appcenter.intuit.com",
    token: "https://oauth.platform.intuit.com",
    revoke: "https://developer.api.intuit.com",
  },
  xero: { api: "https://api.xero.com", login: "https://login.xero.com", identity: "https://identity.xero.com" },
  hubspot: { api: "https://api.hubapi.com", app: "https://app.hubspot.com" },
} as const;

export type ProviderUrls = { [P in ProviderId]: { [K in keyof (typeof REAL_URLS)[P]]: string } };

export type ProviderSettings<P extends ProviderId = ProviderId> = {
  clientId: string;
  clientSecret: string;
  urls: ProviderUrls[P];
  /** The app-level webhook secret (signing secret, verifier token, webhook key, client secret). */
  webhookSecret: string | null;
  /** OAuth scopes the connect flow asks for. */
  scopes: string;
};

const DEFAULT_PORTS: Record<ProviderId, number> = { stripe: 4101, quickbooks: 4102, xero: 4103, hubspot: 4104 };

const SCOPES: Record<ProviderId, string> = {
  stripe: "read_write",
  quickbooks: "com.intuit.quickbooks.accounting",
  xero: "openid profile email offline_access accounting.invoices accounting.payments accounting.contacts",
  hubspot: "crm.objects.invoices.read crm.objects.invoices.write crm.objects.contacts.read crm.objects.companies.read oauth",
};

const ENV_PREFIX: Record<ProviderId, string> = { stripe: "STRIPE", quickbooks: "QUICKBOOKS", xero: "XERO", hubspot: "HUBSPOT" };

const WEBHOOK_SECRET_VAR: Record<ProviderId, string> = {
  stripe: "STRIPE_WEBHOOK_SECRET",
  quickbooks: "QUICKBOOKS_WEBHOOK_VERIFIER_TOKEN",
  xero: "XERO_WEBHOOK_KEY",
  hubspot: "HUBSPOT_CLIENT_SECRET",
};

const urlSchema = z.url({ protocol: /^https?$/ });

export class ProviderNotConfiguredError extends Error {
  constructor(readonly provider: ProviderId) {
    super(`${provider} is not configured: set ${ENV_PREFIX[provider]}_CLIENT_ID and ${ENV_PREFIX[provider]}_CLIENT_SECRET (or CONCORD_PROVIDERS=sandbox)`);
  }
}

/** Settings for a provider, or null when the app has no credentials for it. */
export function providerSettings<P extends ProviderId>(provider: P, env: Record<string, string | undefined> = process.env): ProviderSettings<P> | null {
  const sandbox = env.CONCORD_PROVIDERS === "sandbox";
  const prefix = ENV_PREFIX[provider];
  const clientId = env[`${prefix}_CLIENT_ID`] || (sandbox ? SANDBOX_CLIENT.id : undefined);
  const clientSecret = env[`${prefix}_CLIENT_SECRET`] || (sandbox ? SANDBOX_CLIENT.secret : undefined);
  if (!clientId || !clientSecret) return null;
  const port = Number(env[`SANDBOX_${prefix}_PORT`] || DEFAULT_PORTS[provider]);
  const urls = Object.fromEntries(
    Object.entries(REAL_URLS[provider]).map(([name, real]) => {
      const configured = env[`${prefix}_${name.toUpperCase()}_URL`];
      const value = configured || (sandbox ? `http://127.0.0.1:${port}` : real);
      return [name, urlSchema.parse(value).replace(/\/$/, "")];
    }),
  ) as ProviderUrls[P];
  // HubSpot signs webhooks with the app's client secret.
  const webhookSecret = env[WEBHOOK_SECRET_VAR[provider]] || (provider === "hubspot" ? clientSecret : null);
  return { clientId, clientSecret, urls, webhookSecret, scopes: env[`${prefix}_SCOPES`] || SCOPES[provider] };
}

export function requireSettings<P extends ProviderId>(provider: P, env?: Record<string, string | undefined>): ProviderSettings<P> {
  const settings = providerSettings(provider, env);
  if (!settings) throw new ProviderNotConfiguredError(provider);
  return settings;
}

export const WEBHOOK_SECRET_VARS = WEBHOOK_SECRET_VAR;
