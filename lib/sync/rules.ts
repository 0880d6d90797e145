/**
 * The workspace's source-of-truth rules: for each field group, which system wins. Kept in
 * Workspace.settings.syncRules; a change is audited and recomputes every canonical invoice (in
 * batches, in the background), so the timeline follows the new rules.
 */
import { z } from "zod";
import { db, type DbOrTx } from "../db";
import { recordAudit } from "../audit/record";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { log } from "../log";
import { PROVIDER_NAMES, rulesFrom, DEFAULT_RULES, type FieldGroup, type ProviderName, type SourceRules } from "./canonical";
import { recomputeInvoices } from "./link/recompute";
import { writeSettingsKey } from "../workspace-settings";

export const FIELD_GROUPS: { id: FieldGroup; label: string; help: string }[] = [
  { id: "payments", label: "Payment status and amounts paid", help: "Usually the payment gateway, where the money arrives." },
  { id: "header", label: "Invoice header: number, dates, customer, currency", help: "Usually the accounting system, the books of record." },
  { id: "lines", label: "Lines and totals", help: "Usually the accounting system." },
];

const provider = z.enum(PROVIDER_NAMES as [ProviderName, ...ProviderName[]]);
export const syncRulesSchema = z.strictObject({ payments: provider, header: provider, lines: provider });
export type SyncRuleWinners = z.infer<typeof syncRulesSchema>;

const storedSchema = z.object({ syncRules: syncRulesSchema.partial().optional() }).passthrough();

export function winnersOf(rules: SourceRules): SyncRuleWinners {
  return { payments: rules.payments[0]!, header: rules.header[0]!, lines: rules.lines[0]! };
}

/** The rules in force (defaults for anything not set, or settings that no longer parse). */
export async function syncRulesFor(workspaceId: string, client: DbOrTx = db()): Promise<SourceRules> {
  const row = await client.workspace.findUnique({ where: { id: workspaceId }, select: { settings: true } });
  const parsed = storedSchema.safeParse(row?.settings ?? {});
  return parsed.success && parsed.data.syncRules ? rulesFrom(parsed.data.syncRules) : DEFAULT_RULES;
}

export async function setSyncRules(ctx: WorkspaceContext, winners: SyncRuleWinners): Promise<{ changed: boolean }> {
  assertCan(ctx, "sync-rules:manage");
  const before = winnersOf(await syncRulesFor(ctx.workspace.id));
  const changed = (Object.keys(winners) as FieldGroup[]).filter((g) => winners[g] !== before[g]);
  if (changed.length === 0) return { changed: false };
  await db().$transaction(async (tx) => {
    await writeSettingsKey(tx, ctx.workspace.id, "syncRules", winners);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "sync_rules.changed",
      subjectType: "workspace",
      subjectId: ctx.workspace.id,
      changes: Object.fromEntries(changed.map((g) => [g, { old: before[g], new: winners[g] }])),
    });
  });
  void recomputeWorkspace(ctx.workspace.id).catch((error) => log().warn({ workspaceId: ctx.workspace.id, err: error instanceof Error ? error.message : String(error) }, "recompute after a rules change failed"));
  return { changed: true };
}

/** Every canonical invoice of the workspace under its current rules, a batch per transaction. */
export async function recomputeWorkspace(workspaceId: string, batch = 1_000): Promise<number> {
  let after = "";
  let changed = 0;
  for (;;) {
    const ids = (await db().invoice.findMany({ where: { workspaceId, id: { gt: after } }, orderBy: { id: "asc" }, take: batch, select: { id: true } })).map((i) => i.id);
    if (ids.length === 0) return changed;
    changed += (
      await db().$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ingest:${workspaceId}`}))`;
        return recomputeInvoices(tx, workspaceId, ids, await syncRulesFor(workspaceId, tx));
      }, { timeout: 120_000, maxWait: 120_000 })
    ).length;
    after = ids[ids.length - 1]!;
  }
}
