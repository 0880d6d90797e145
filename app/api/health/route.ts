import { NextResponse } from "next/server";
import { healthReport } from "@/lib/health";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route(async () => {
  const report = await healthReport(process.env.CONCORD_VERSION ?? "dev");
  return NextResponse.json(report, {
    status: report.status === "ok" ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
});
