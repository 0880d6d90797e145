/**
 * The demo's differences in Stripe: some open invoices paid (out of band, as a business records
 * a bank transfer), and one invoice that exists nowhere else.
 * https://docs.stripe.com/api/invoices/pay, /api/invoices/create, /api/invoiceitems/create
 */
import { z } from "zod";
import { call, type ApiAccess } from "./http";
import type { DemoPlan } from "./plan";

const invoiceList = z.object({ data: z.array(z.object({ id: z.string(), number: z.string().nullable(), customer: z.string() })), has_more: z.boolean() });
const created = z.object({ id: z.string() });

/** Open invoices by number. */
async function openInvoices(api: ApiAccess): Promise<Map<string, { id: string; customer: string }>> {
  const byNumber = new Map<string, { id: string; customer: string }>();
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ status: "open", limit: "100", ...(after ? { starting_after: after } : {}) });
    const page = invoiceList.parse(await call(`${api.baseUrl}/v1/invoices?${query}`, "Stripe: list invoices", { token: api.accessToken }));
    for (const inv of page.data) if (inv.number) byNumber.set(inv.number, { id: inv.id, customer: inv.customer });
    after = page.has_more ? (page.data.at(-1)?.id ?? null) : null;
  } while (after);
  return byNumber;
}

export async function applyStripe(api: ApiAccess, plan: DemoPlan): Promise<void> {
  const open = await openInvoices(api);
  const find = (number: string) => {
    const found = open.get(number);
    if (!found) throw new Error(`Stripe: no open invoice ${number} to make inconsistent`);
    return found;
  };
  const post = (path: string, what: string, form: Record<string, string> = {}) => call(`${api.baseUrl}${path}`, `Stripe: ${what}`, { token: api.accessToken, body: { form } });

  for (const number of plan.paidInStripe) await post(`/v1/invoices/${find(number).id}/pay`, `pay ${number}`, { paid_out_of_band: "true" });

  const only = plan.onlyInStripe;
  const currency = only.currency.toLowerCase();
  const invoice = created.parse(
    await post("/v1/invoices", `create ${only.number}`, { customer: find(only.customerOf).customer, currency, collection_method: "send_invoice", days_until_due: "30", number: only.number }),
  );
  await post("/v1/invoiceitems", `add a line to ${only.number}`, { customer: find(only.customerOf).customer, invoice: invoice.id, currency, amount: String(only.amountMinor), description: only.description });
  await post(`/v1/invoices/${invoice.id}/finalize`, `finalize ${only.number}`);
}
