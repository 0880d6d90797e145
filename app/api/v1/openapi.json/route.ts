import { openApiDocument } from "@/lib/api/openapi";
import { json } from "@/lib/http/api";
import { route } from "@/lib/http/route";

/** Public, like any API description: it names no workspace data. */
export const GET = route(async (request) => json(openApiDocument(new URL(request.url).origin)));
