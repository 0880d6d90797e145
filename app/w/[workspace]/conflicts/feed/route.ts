import { json } from "@/lib/http/api";
import { readQuery } from "@/lib/http/body";
import { sessionRoute } from "@/lib/http/session-route";
import { listConflicts } from "@/lib/conflicts/list";
import { conflictListQuery } from "@/lib/conflicts/schemas";

export const dynamic = "force-dynamic";

/** The conflict inbox's data: a page of conflicts with counts by kind, for the filters in its URL (?cursor=… for the next). Polled. */
export const GET = sessionRoute("workspace:view", async (ctx, request) => json(await listConflicts(ctx, readQuery(request, conflictListQuery)), { headers: { "cache-control": "no-store" } }));
