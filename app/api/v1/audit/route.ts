import { apiRoute, json } from "@/lib/http/api";
import { readQuery } from "@/lib/http/body";
import { listAudit } from "@/lib/audit/list";
import { auditListQuery } from "@/lib/audit/schemas";

/** The workspace's audit trail, newest first, filtered, by cursor. */
export const GET = apiRoute("audit:view", async (ctx, request) => json(await listAudit(ctx, readQuery(request, auditListQuery))));
