import { json } from "@/lib/http/api";
import { sessionRoute } from "@/lib/http/session-route";
import { getConflict } from "@/lib/conflicts/list";

export const dynamic = "force-dynamic";

/**
 * One conflict as the inbox shows it: polled for a conflict decided on the page (which may no
 * longer match the list's filters) until the sync engine's push outcome is known.
 */
export const GET = sessionRoute<{ workspace: string; id: string }>("workspace:view", async (ctx, _request, { id }) =>
  json(await getConflict(ctx, id), { headers: { "cache-control": "no-store" } }),
);
