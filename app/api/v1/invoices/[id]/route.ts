import { apiRoute, json } from "@/lib/http/api";
import { getInvoice } from "@/lib/invoices/detail";

export const GET = apiRoute<{ id: string }>("workspace:view", async (ctx, _request, { id }) => json(await getInvoice(ctx, id)));
