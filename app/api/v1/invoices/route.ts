import { apiRoute, json } from "@/lib/http/api";
import { readQuery } from "@/lib/http/body";
import { invoiceListQuery } from "@/lib/invoices/schemas";
import { listInvoices } from "@/lib/invoices/timeline";

export const GET = apiRoute("workspace:view", async (ctx, request) => json(await listInvoices(ctx, readQuery(request, invoiceListQuery))));
