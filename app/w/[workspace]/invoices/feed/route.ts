import { readQuery } from "@/lib/http/body";
import { json } from "@/lib/http/api";
import { sessionRoute } from "@/lib/http/session-route";
import { changedSince, countInvoices, listInvoices } from "@/lib/invoices/timeline";
import { invoiceListQuery } from "@/lib/invoices/schemas";
import { z } from "zod";

export const dynamic = "force-dynamic";

const changesQuery = z.strictObject({ since: z.iso.datetime(), after: z.string().min(1).max(64).optional() });

/** The timeline page's data: a page of invoices (?cursor=…), or what changed (?since=…). */
export const GET = sessionRoute("workspace:view", async (ctx, request) => {
  const params = new URL(request.url).searchParams;
  if (params.has("since")) {
    const { since, after } = readQuery(request, changesQuery);
    return json(await changedSince(ctx, new Date(since), after ?? null));
  }
  const query = readQuery(request, invoiceListQuery);
  const [page, counts] = await Promise.all([listInvoices(ctx, query), query.cursor ? null : countInvoices(ctx, query)]);
  return json({ ...page, counts });
});
