/**
 * The workspace's auto-resolution rules: differences the sync engine settles by itself instead of
 * asking a person, each recorded as a resolved conflict ("auto", with the rule) and in the audit
 * trail. Kept in Workspace.settings.autoResolve; off unless an owner or admin turns them on.
 * - rounding: totals at most `roundingMinor` minor units apart (1 = one cent in USD, one yen in
 *   JPY) agree; the source of truth's total stands, each system keeps its own, payments go on.
 * - dueDateFromSource: a due date changed on both sides since the last sync takes the source of
 *   truth's value, written to the others as a person's decision would be.
 */
import { z } from "zod";
import { db, type DbOrTx } from "../db";
import { recordAudit } from "../audit/record";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { NO_AUTO_RESOLVE, type AutoResolveRules } from "../sync/propagate/plan";
import { writeSettingsKey } from "../workspace-settings";

export const autoResolveSchema = z.strictObject({
  roundingMinor: z.coerce.number().int("Use a whole number of minor units.").min(0, "Use 0 to turn the rule off.").max(100, "Up to 100 minor units: beyond that a difference is not rounding."),
  dueDateFromSource: z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean()),
});

const storedSchema = z.object({ autoResolve: autoResolveSchema.partial().optional() }).passthrough();

export async function autoResolveRulesFor(workspaceId: string, client: DbOrTx = db()): Promise<AutoResolveRules> {
  const row = await client.workspace.findUnique({ where: { id: workspaceId }, select: { settings: true } });
  const parsed = storedSchema.safeParse(row?.settings ?? {});
  return { ...NO_AUTO_RESOLVE, ...(parsed.success ? parsed.data.autoResolve : {}) };
}

export async function setAutoResolveRules(ctx: WorkspaceContext, rules: AutoResolveRules): Promise<{ changed: boolean }> {
  assertCan(ctx, "sync-rules:manage");
  return db().$transaction(async (tx) => {
    const before = await autoResolveRulesFor(ctx.workspace.id, tx);
    const changed = (Object.keys(rules) as (keyof AutoResolveRules)[]).filter((k) => rules[k] !== before[k]);
    if (changed.length === 0) return { changed: false };
    await writeSettingsKey(tx, ctx.workspace.id, "autoResolve", rules);
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: "auto_resolve_rules.changed",
      subjectType: "workspace",
      subjectId: ctx.workspace.id,
      changes: Object.fromEntries(changed.map((k) => [k, { old: before[k], new: rules[k] }])),
    });
    return { changed: true };
  });
}
