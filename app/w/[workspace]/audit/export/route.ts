import { readQuery } from "@/lib/http/body";
import { sessionRoute } from "@/lib/http/session-route";
import { exportAudit } from "@/lib/audit/export";
import { auditFilterQuery } from "@/lib/audit/schemas";

export const dynamic = "force-dynamic";

/** The filtered audit trail as a CSV download, streamed a batch at a time (any size, flat memory). */
export const GET = sessionRoute("audit:view", async (ctx, request) => {
  const { filename, stream } = await exportAudit(ctx, readQuery(request, auditFilterQuery));
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
