"use server";
import { z } from "zod";
import { workspaceAction } from "@/lib/actions/define";
import type { ActionResult } from "@/lib/actions/result";
import { verifyAudit } from "@/lib/audit/verify";
import type { VerifyReport } from "@/lib/audit/schemas";

const count = (n: number) => n.toLocaleString("en-US");

/** "Verify integrity": recomputes the workspace's hash chain; the check is recorded in the trail. */
export const verifyAuditAction = workspaceAction({ permission: "audit:view", input: z.object({}) }, async (ctx): Promise<ActionResult<VerifyReport>> => {
  const report = await verifyAudit(ctx);
  const message = report.ok
    ? `Intact: all ${count(report.checked)} entries check out.`
    : `Broken: ${count(report.broken)} of ${count(report.checked)} entries fail the check, the first at entry #${report.firstBroken!.id}.`;
  return { ok: true, data: report, message };
});
