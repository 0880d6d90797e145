/**
 * The demo's differences in HubSpot: a few invoice numbers retyped without prefix and zeros
 * ("INV-01042" as "1042"), as happens when a CRM is kept by hand.
 * https://developers.hubspot.com/docs/api/crm/search, /docs/api/crm/invoices
 */
import { z } from "zod";
import { call, type ApiAccess } from "./http";
import type { DemoPlan } from "./plan";

const searchAnswer = z.object({ results: z.array(z.object({ id: z.string(), properties: z.record(z.string(), z.string().nullable()) })) });

export async function applyHubspot(api: ApiAccess, plan: DemoPlan): Promise<void> {
  const numbers = plan.numberInHubspot.map((h) => h.number);
  const search = {
    filterGroups: [{ filters: [{ propertyName: "hs_number", operator: "IN", values: numbers }] }],
    properties: ["hs_number"],
    limit: 100,
  };
  const found = searchAnswer.parse(await call(`${api.baseUrl}/crm/v3/objects/invoices/search`, "HubSpot: find invoices", { token: api.accessToken, body: { json: search } })).results;
  for (const { number, written } of plan.numberInHubspot) {
    const invoice = found.find((r) => r.properties.hs_number === number);
    if (!invoice) throw new Error(`HubSpot: no invoice ${number} to make inconsistent`);
    await call(`${api.baseUrl}/crm/v3/objects/invoices/${invoice.id}`, `HubSpot: renumber ${number}`, { method: "PATCH", token: api.accessToken, body: { json: { properties: { hs_number: written } } } });
  }
}
