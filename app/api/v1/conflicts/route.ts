import { apiRoute, json } from "@/lib/http/api";
import { readQuery } from "@/lib/http/body";
import { listConflicts } from "@/lib/conflicts/list";
import { conflictListQuery } from "@/lib/conflicts/schemas";

/** The conflict inbox: conflicts by status and kind, searched, newest first, with counts by kind. */
export const GET = apiRoute("workspace:view", async (ctx, request) => json(await listConflicts(ctx, readQuery(request, conflictListQuery))));
