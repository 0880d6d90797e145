/**
 * The demo's differences in QuickBooks Online: one invoice entered twice (QuickBooks refuses a
 * repeated DocNumber, so the copy is "<number>-2", as people do) and one customer's name
 * misspelled.
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice
 * https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/customer
 */
import { z } from "zod";
import { call, type ApiAccess } from "./http";
import type { DemoPlan } from "./plan";

const line = z.looseObject({ DetailType: z.string(), Amount: z.unknown(), Description: z.string().optional(), SalesItemLineDetail: z.unknown().optional() });
const invoice = z.looseObject({ Id: z.string(), DocNumber: z.string(), TxnDate: z.string(), DueDate: z.string().optional(), CustomerRef: z.object({ value: z.string() }), Line: z.array(line) });
const invoiceQuery = z.object({ QueryResponse: z.object({ Invoice: z.array(invoice).default([]) }) });
const customerAnswer = z.object({ Customer: z.looseObject({ Id: z.string(), SyncToken: z.string() }) });

const quoted = (value: string) => `'${value.replace(/'/g, "\\'")}'`;

export async function applyQuickbooks(api: ApiAccess, plan: DemoPlan): Promise<void> {
  const base = `${api.baseUrl}/v3/company/${api.accountId}`;
  const numbers = [...plan.duplicateInQuickbooks, plan.customerInQuickbooks.invoiceNumber];
  const query = `select * from Invoice where DocNumber in (${numbers.map(quoted).join(", ")})`;
  const found = invoiceQuery.parse(await call(`${base}/query?query=${encodeURIComponent(query)}`, "QuickBooks: find invoices", { token: api.accessToken })).QueryResponse.Invoice;
  const byNumber = new Map(found.map((inv) => [inv.DocNumber, inv]));
  const find = (number: string) => {
    const inv = byNumber.get(number);
    if (!inv) throw new Error(`QuickBooks: no invoice ${number} to make inconsistent`);
    return inv;
  };

  for (const number of plan.duplicateInQuickbooks) {
    const original = find(number);
    const lines = original.Line.filter((l) => l.DetailType === "SalesItemLineDetail").map((l) => ({ DetailType: l.DetailType, Amount: l.Amount, Description: l.Description, SalesItemLineDetail: l.SalesItemLineDetail }));
    await call(`${base}/invoice`, `QuickBooks: duplicate ${number}`, {
      token: api.accessToken,
      body: { json: { CustomerRef: original.CustomerRef, DocNumber: `${number}-2`, TxnDate: original.TxnDate, DueDate: original.DueDate, Line: lines } },
    });
  }

  const customerId = find(plan.customerInQuickbooks.invoiceNumber).CustomerRef.value;
  const customer = customerAnswer.parse(await call(`${base}/customer/${customerId}`, "QuickBooks: read a customer", { token: api.accessToken })).Customer;
  await call(`${base}/customer`, "QuickBooks: rename a customer", {
    token: api.accessToken,
    body: { json: { Id: customer.Id, SyncToken: customer.SyncToken, sparse: true, DisplayName: plan.customerInQuickbooks.misspelled } },
  });
}
