/**
 * The HubSpot connector: CRM invoices (0-53), contacts and companies through @hubspot/api-client,
 * HubSpot's OAuth (non-rotating refresh tokens), and v3-signed webhooks. Settings are read when a
 * call is made, not at import, so tests and the app can configure the environment first.
 */
import { requireSettings } from "../config";
import type { Connector } from "../types";
import { createHubspotClient } from "./client";
import { createHubspotOAuth } from "./oauth";
import { parseHubspotWebhook, verifyHubspotWebhook } from "./webhooks";

export const hubspotConnector: Connector = {
  id: "hubspot",
  label: "HubSpot",
  // HubSpot invoices have no refund record: recordRefund refuses as "unsupported" (writes.ts).
  supportsRefunds: false,
  // hs_due_date is a plain property; line items are not modelled (writes.ts).
  updatesIssued: { dueDate: true, lines: false },
  oauth: createHubspotOAuth(() => requireSettings("hubspot")),
  webhooks: { verify: verifyHubspotWebhook, parse: parseHubspotWebhook },
  client: (context) => createHubspotClient(requireSettings("hubspot"), context),
};

export { createHubspotClient } from "./client";
export { createHubspotOAuth } from "./oauth";
