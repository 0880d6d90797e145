import { apiRoute, json } from "@/lib/http/api";
import { readJson } from "@/lib/http/body";
import { resolveConflict } from "@/lib/conflicts/resolve";
import { resolveInput } from "@/lib/conflicts/schemas";

/** A decision on one conflict, with the version the caller saw (409 when someone decided first). */
export const POST = apiRoute<{ id: string }>("conflicts:resolve", async (ctx, request, { id }) => json(await resolveConflict(ctx, id, await readJson(request, resolveInput))));
