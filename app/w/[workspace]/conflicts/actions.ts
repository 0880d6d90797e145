"use server";
/**
 * The conflict inbox's decisions. Both check "conflicts:resolve" (the wrapper answers 403 to a
 * viewer before anything runs); lib/conflicts/resolve does the rest: the optimistic lock (409
 * when someone else decided first), the value check (422 with fields), the audit entry, and
 * handing the decision to the sync engine. The message says what happens next.
 */
import { workspaceAction } from "@/lib/actions/define";
import type { ActionResult } from "@/lib/actions/result";
import { listConnections } from "@/lib/connections/manage";
import { resolveConflict, resolveMany } from "@/lib/conflicts/resolve";
import { bulkInput, resolveActionInput, type BulkResult, type ConflictView, type ResolveInput } from "@/lib/conflicts/schemas";
import { SYSTEM_LABEL } from "@/components/invoices/format";

const WRITING = "the sync engine is writing it to the other systems.";

function systemName(system: string): string {
  return system === "concord" ? "Concord" : (SYSTEM_LABEL[system] ?? system);
}

const possessive = (name: string) => (name.endsWith("s") ? `${name}'` : `${name}'s`);

/** What happened, and what the sync engine does next. */
function decidedMessage(view: ConflictView, input: ResolveInput): string {
  switch (input.action) {
    case "take": {
      const row = view.rows.find((r) => r.source === input.source);
      const from = systemName(row?.system ?? "concord");
      if (view.kind === "CUSTOMER") return `Concord now shows “${row?.value ?? ""}” for this customer (${possessive(from)} spelling); each system keeps its own.`;
      if (view.kind === "MISSING") return `Taken from ${from}; the sync engine is creating the invoice in the systems that lack it.`;
      if (row?.system === "concord") return `Kept Concord's value; ${WRITING}`;
      return `Taken from ${from}; ${WRITING}`;
    }
    case "enter":
      if (view.kind === "CUSTOMER") return `Concord now shows “${input.value}” for this customer; each system keeps its own spelling.`;
      return `Set to ${input.value}; ${WRITING}`;
    case "merge":
      return `Merged into ${view.match?.other?.number ?? "the original"}; the sync engine is voiding the duplicate in ${systemName(view.match?.record.system ?? "")}.`;
    case "confirm":
      return "Confirmed: the record now belongs to the other invoice, linked as one.";
    case "reject":
      return "Kept as two invoices; this match is not suggested again.";
    case "ignore":
      return `Ignored (“${input.reason}”): this difference is kept and not raised again unless someone reopens it.`;
    case "reopen":
      return "Reopened: it waits for a decision again.";
  }
}

/** One decision on one conflict (take, enter, merge, confirm, reject, ignore, reopen), with the version the person saw. */
export const resolveConflictAction = workspaceAction({ permission: "conflicts:resolve", input: resolveActionInput }, async (ctx, input): Promise<ActionResult<ConflictView>> => {
  const { conflictId, ...decision } = input;
  const view = await resolveConflict(ctx, conflictId, decision);
  return { ok: true, data: view, message: decidedMessage(view, decision) };
});

/** The same decision on several conflicts (take from one system, or ignore with one reason), each reported on its own. */
export const bulkResolveAction = workspaceAction({ permission: "conflicts:resolve", input: bulkInput }, async (ctx, input): Promise<ActionResult<BulkResult>> => {
  const result = await resolveMany(ctx, input);
  const done = result.data.filter((r) => r.ok).length;
  const failed = result.data.length - done;
  const conflicts = (n: number) => `${n} ${n === 1 ? "conflict" : "conflicts"}`;
  let what: string;
  if (input.action === "ignore") what = `Ignored ${conflicts(done)}`;
  else {
    const connection = (await listConnections(ctx)).find((c) => c.id === input.source);
    what = `Took ${possessive(connection ? systemName(connection.provider) : "that system")} value for ${conflicts(done)}${done ? "; the sync engine is writing the values to the other systems" : ""}`;
  }
  const message = `${what}${failed ? `; ${conflicts(failed)} could not be decided (see each)` : ""}.`;
  return { ok: true, data: result, message };
});
