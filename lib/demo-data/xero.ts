/**
 * The demo in Xero: which invoices Xero holds as plain sales invoices (its seed makes some of the
 * shared invoices supplier bills and adds tax to others, so only these compare cleanly), and the
 * deliberate differences: a few invoices with one more unit on their first line.
 * https://developer.xero.com/documentation/api/accounting/invoices
 */
import { z } from "zod";
import { call, type ApiAccess } from "./http";
import type { DemoPlan } from "./plan";

const summaries = z.object({ Invoices: z.array(z.looseObject({ InvoiceNumber: z.string(), Type: z.string(), LineAmountTypes: z.string() })) });
const lineItem = z.looseObject({
  LineItemID: z.string(),
  Description: z.string().nullish(),
  Quantity: z.number(),
  UnitAmount: z.number(),
  AccountCode: z.string().nullish(),
  TaxType: z.string().nullish(),
});
const full = z.object({ Invoices: z.array(z.looseObject({ InvoiceID: z.string(), LineItems: z.array(lineItem) })).length(1) });

const headers = (api: ApiAccess) => ({ "xero-tenant-id": api.accountId });

/** Numbers of the sales invoices without tax (without `page`, Xero answers every match in one call). */
export async function cleanXeroNumbers(api: ApiAccess): Promise<Set<string>> {
  const where = encodeURIComponent('Type=="ACCREC"');
  const answer = summaries.parse(await call(`${api.baseUrl}/api.xro/2.0/Invoices?where=${where}`, "Xero: list invoices", { token: api.accessToken, headers: headers(api) }));
  return new Set(answer.Invoices.filter((i) => i.Type === "ACCREC" && i.LineAmountTypes === "NoTax").map((i) => i.InvoiceNumber));
}

export async function applyXero(api: ApiAccess, plan: DemoPlan): Promise<void> {
  for (const number of plan.amountInXero) {
    const url = `${api.baseUrl}/api.xro/2.0/Invoices/${encodeURIComponent(number)}?unitdp=4`;
    const invoice = full.parse(await call(url, `Xero: read ${number}`, { token: api.accessToken, headers: headers(api) })).Invoices[0]!;
    const lines = invoice.LineItems.map((l, i) => ({
      LineItemID: l.LineItemID,
      Description: l.Description,
      Quantity: i === 0 ? l.Quantity + 1 : l.Quantity,
      UnitAmount: l.UnitAmount,
      AccountCode: l.AccountCode,
      TaxType: l.TaxType,
    }));
    await call(`${api.baseUrl}/api.xro/2.0/Invoices/${invoice.InvoiceID}?unitdp=4`, `Xero: change ${number}`, { token: api.accessToken, headers: headers(api), body: { json: { LineItems: lines } } });
  }
}
