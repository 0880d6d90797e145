import { json } from "@/lib/http/api";
import { readQuery } from "@/lib/http/body";
import { sessionRoute } from "@/lib/http/session-route";
import { listAudit } from "@/lib/audit/list";
import { auditListQuery } from "@/lib/audit/schemas";

export const dynamic = "force-dynamic";

/** The audit page's data: a page of entries for the filters in its URL (?cursor=… for the next). */
export const GET = sessionRoute("audit:view", async (ctx, request) => json(await listAudit(ctx, readQuery(request, auditListQuery))));
