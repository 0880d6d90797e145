/** Auto-resolution rules: off by default, saved by owners and admins with an audit entry, beside the other settings. */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makePerson } from "../../test/factories";
import { setSyncRules, syncRulesFor } from "../sync/rules";
import { autoResolveRulesFor, autoResolveSchema, setAutoResolveRules } from "./auto-rules";

describe("auto-resolution rules", () => {
  it("are off until saved, are audited, and leave the sync rules alone", async () => {
    const owner = await makePerson("auto-rules");
    const ctx = contextOf(owner);
    expect(await autoResolveRulesFor(ctx.workspace.id)).toEqual({ roundingMinor: 0, dueDateFromSource: false });
    await setSyncRules(ctx, { payments: "QUICKBOOKS", header: "QUICKBOOKS", lines: "QUICKBOOKS" });
    expect(await setAutoResolveRules(ctx, { roundingMinor: 1, dueDateFromSource: true })).toEqual({ changed: true });
    expect(await setAutoResolveRules(ctx, { roundingMinor: 1, dueDateFromSource: true })).toEqual({ changed: false });
    expect(await autoResolveRulesFor(ctx.workspace.id)).toEqual({ roundingMinor: 1, dueDateFromSource: true });
    expect((await syncRulesFor(ctx.workspace.id)).payments[0]).toBe("QUICKBOOKS");
    const entry = await db().auditEntry.findFirstOrThrow({ where: { workspaceId: ctx.workspace.id, action: "auto_resolve_rules.changed" } });
    expect(entry.changes).toEqual({ roundingMinor: { old: 0, new: 1 }, dueDateFromSource: { old: false, new: true } });
  });

  it("refuse a member and bad values, changing nothing", async () => {
    const owner = await makePerson("auto-rules-refused");
    await expect(setAutoResolveRules(contextOf(owner, "MEMBER"), { roundingMinor: 1, dueDateFromSource: false })).rejects.toMatchObject({ code: "forbidden" });
    expect(autoResolveSchema.safeParse({ roundingMinor: "-1" }).success).toBe(false);
    expect(autoResolveSchema.safeParse({ roundingMinor: "101" }).success).toBe(false);
    expect(autoResolveSchema.safeParse({ roundingMinor: "1.5" }).success).toBe(false);
    expect(autoResolveSchema.parse({ roundingMinor: "2", dueDateFromSource: "on" })).toEqual({ roundingMinor: 2, dueDateFromSource: true });
    expect(await autoResolveRulesFor(owner.workspace.id)).toEqual({ roundingMinor: 0, dueDateFromSource: false });
  });
});
