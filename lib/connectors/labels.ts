/** Provider names as people read them, without loading any connector (safe for client bundles). */
export const PROVIDER_LABELS = { STRIPE: "Stripe", QUICKBOOKS: "QuickBooks Online", XERO: "Xero", HUBSPOT: "HubSpot" } as const;
export type ProviderEnum = keyof typeof PROVIDER_LABELS;
