/**
 * A person's decision on a conflict, in one transaction: the conflict row is locked and its
 * version checked (two people deciding at once: the first wins, the second gets 409 and is told
 * what happened), the action is checked against what the conflict allows now, the decision is
 * stored with an audit entry, and its immediate effect on the canonical picture is made. What
 * must reach the providers is left to the sync engine: the invoice is marked due in the same
 * transaction (so a crash loses nothing) and asked to reconcile after the commit; the planner
 * reads the decision (lib/sync/propagate/decisions-read.ts) and carries it out, and the conflict
 * then shows how that went (list.ts).
 *
 * - take / enter on a field (total, due date, status, currency): the decided value is written to
 *   every system that holds another and can take it.
 * - take / enter on a CUSTOMER: Concord shows that name; the systems' records keep theirs.
 * - take on MISSING: the invoice is created in the systems that lack it.
 * - merge a DUPLICATE: the duplicate is voided where it exists, the original stays.
 * - confirm a POSSIBLE_MATCH: the record's invoice joins the other one; reject keeps them apart.
 * - ignore (with a reason) keeps the difference without asking again; reopen takes any decision back.
 */
import { db } from "../db";
import { Prisma } from "../db/generated/client";
import { recordAudit } from "../audit/record";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { enqueue } from "../jobs";
import { normalizeName } from "../normalize/customer";
import { recomputeInvoices } from "../sync/link/recompute";
import { syncRulesFor } from "../sync/rules";
import { getConflict, readConflict, rowsOf, type ConflictRow } from "./list";
import { ENTERED_VALUE, type BulkInput, type BulkResult, type ConflictView, type ResolveInput } from "./schemas";
import { availableActions, matchOf, openKeyOf, valueRows } from "./shape";

type Tx = Prisma.TransactionClient;

type Decided = {
  status: "OPEN" | "RESOLVED" | "IGNORED";
  resolution: Record<string, unknown> | null;
  /** The open key after the decision: kept, so an accepted difference is not raised again; or restored on reopen. */
  openKey: string | null;
  /** Invoices the sync engine must look at after the commit. */
  reconcile: string[];
  audit: { action: string; changes: Record<string, unknown> };
};

const VERBS: Record<ResolveInput["action"], string> = { take: "resolved", enter: "resolved", merge: "merged", confirm: "confirmed", reject: "rejected", ignore: "ignored", reopen: "reopened" };

export async function resolveConflict(ctx: WorkspaceContext, conflictId: string, input: ResolveInput): Promise<ConflictView> {
  assertCan(ctx, "conflicts:resolve");
  const reconcile = await db().$transaction(async (tx) => {
    const row = await lockConflict(tx, ctx.workspace.id, conflictId);
    if (row.version !== input.version) throw stale(row);
    const values = (await rowsOf(ctx.workspace.id, [row])).get(row) ?? row.values;
    if (!availableActions({ ...row, values }).includes(input.action)) {
      throw new ApiError("unprocessable", `A ${row.status.toLowerCase()} ${row.kind.toLowerCase().replace("_", " ")} conflict cannot be ${VERBS[input.action]} this way.`, { action: [`Allowed now: ${availableActions({ ...row, values }).join(", ")}.`] });
    }
    const decided = await decide(tx, ctx, row, values, input);
    const updated = await tx.conflict.updateMany({
      where: { id: row.id, workspaceId: ctx.workspace.id, version: input.version },
      data: {
        status: decided.status,
        resolution: decided.resolution === null ? Prisma.DbNull : (decided.resolution as Prisma.InputJsonValue),
        resolvedAt: decided.status === "OPEN" ? null : new Date(),
        resolvedById: decided.status === "OPEN" || ctx.actor.type !== "USER" ? null : ctx.actor.id,
        openKey: decided.openKey,
        version: { increment: 1 },
      },
    });
    if (updated.count === 0) throw stale(row);
    const invoiceId = (await tx.conflict.findUnique({ where: { id: row.id }, select: { invoiceId: true } }))?.invoiceId ?? null;
    await recordAudit(tx, {
      workspaceId: ctx.workspace.id,
      actor: ctx.actor,
      action: decided.audit.action,
      subjectType: invoiceId ? "invoice" : row.kind === "CUSTOMER" ? "customer" : "conflict",
      subjectId: invoiceId ?? (row.kind === "CUSTOMER" ? ((decided.audit.changes.customerId as string | undefined) ?? row.id) : row.id),
      changes: { conflictId: row.id, kind: row.kind, field: row.field, ...decided.audit.changes } as Prisma.InputJsonValue,
      correlationId: `conflict:${row.id}`,
    });
    if (decided.reconcile.length > 0) {
      await tx.$executeRaw`UPDATE "Invoice" SET "syncDueAt" = COALESCE("syncDueAt", now() AT TIME ZONE 'UTC') WHERE "workspaceId" = ${ctx.workspace.id} AND id = ANY(${decided.reconcile}::text[])`;
    }
    return decided.reconcile;
  }, { timeout: 30_000 }).catch(translateUnique);
  await enqueue(reconcile.map((invoiceId) => ({ name: "concord/invoice.changed" as const, data: { invoiceId } })));
  return getConflict(ctx, conflictId);
}

/** The same decision on several conflicts, each on its own (one refused does not stop the others). */
export async function resolveMany(ctx: WorkspaceContext, input: BulkInput): Promise<BulkResult> {
  assertCan(ctx, "conflicts:resolve");
  const data: BulkResult["data"] = [];
  for (const item of input.items) {
    const one: ResolveInput = input.action === "take" ? { action: "take", source: input.source, version: item.version } : { action: "ignore", reason: input.reason, version: item.version };
    try {
      await resolveConflict(ctx, item.id, one);
      data.push({ id: item.id, ok: true, error: null });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      data.push({ id: item.id, ok: false, error: { code: error.code, message: error.message } });
    }
  }
  return { data };
}

async function lockConflict(tx: Tx, workspaceId: string, id: string): Promise<ConflictRow> {
  await tx.$executeRaw`SELECT 1 FROM "Conflict" WHERE id = ${id} AND "workspaceId" = ${workspaceId} FOR UPDATE`;
  const row = await readConflict(workspaceId, id, tx);
  if (!row) throw new ApiError("not_found", "No such conflict.");
  return row;
}

function stale(row: ConflictRow): ApiError {
  const by = (row.resolution as { by?: string } | null)?.by;
  const now = row.status === "OPEN" ? "open again" : `${row.status.toLowerCase()}${by ? ` by ${by}` : ""}`;
  return new ApiError("conflict", `Someone else decided this conflict while you were looking: it is now ${now}. Nothing was changed; reload to see it.`);
}

/** A reopened conflict whose difference was raised again meanwhile: the newer one stands. */
function translateUnique(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
    throw new ApiError("conflict", "This difference is already open as another conflict; decide that one instead.");
  }
  throw error;
}

const invalid = (field: string, message: string) => new ApiError("unprocessable", message, { [field]: [message] });

async function decide(tx: Tx, ctx: WorkspaceContext, row: ConflictRow, values: unknown, input: ResolveInput): Promise<Decided> {
  const by = ctx.actor.label;
  const rows = valueRows(values);
  const concord = rows.find((r) => r.system === "concord")?.value ?? null;
  const invoice = row.invoiceId ? [row.invoiceId] : [];
  switch (input.action) {
    case "ignore":
      return { status: "IGNORED", resolution: { action: "ignore", reason: input.reason, by }, openKey: await keptKey(tx, row), reconcile: [], audit: { action: "conflict.ignored", changes: { reason: input.reason } } };
    case "reopen":
      return { status: "OPEN", resolution: null, openKey: await keptKey(tx, row), reconcile: invoice, audit: { action: "conflict.reopened", changes: { before: row.resolution } } };
    case "take":
    case "enter": {
      let value: string;
      if (input.action === "take") {
        const taken = rows.find((r) => r.source === input.source);
        if (!taken) throw invalid("source", "That system holds no value in this conflict.");
        if (taken.value === null) throw invalid("source", "That system holds nothing to take here.");
        value = taken.value;
      } else {
        const parsed = ENTERED_VALUE[row.field ?? ""]?.safeParse(input.value);
        if (!parsed) throw invalid("value", "This conflict takes no typed-in value.");
        if (!parsed.success) throw invalid("value", parsed.error.issues[0]?.message ?? "Not a valid value.");
        value = parsed.data;
      }
      const source = input.action === "take" ? input.source : null;
      const changes = { before: concord, after: value, source, action: input.action };
      if (row.kind === "CUSTOMER") return renameCustomer(tx, ctx, row, value, input.action, source, by);
      if (row.kind === "MISSING") {
        return { status: "RESOLVED", resolution: { action: "take", source, value, decidedValue: "present", by }, openKey: await keptKey(tx, row), reconcile: invoice, audit: { action: "conflict.resolved", changes: { ...changes, after: "create where missing" } } };
      }
      return { status: "RESOLVED", resolution: { action: input.action, source, value: input.action === "enter" ? input.value : value, decidedValue: value, by }, openKey: await keptKey(tx, row), reconcile: invoice, audit: { action: "conflict.resolved", changes } };
    }
    case "merge":
      return mergeDuplicate(tx, ctx, row, by);
    case "confirm":
      return confirmMatch(tx, ctx, row, by);
    case "reject": {
      const match = matchOf(row.kind, row.values)!;
      const separate = [row.invoiceId, match.otherInvoiceId];
      const resolution = { action: "reject", decidedValue: { separate }, by, settledAt: new Date().toISOString(), notes: ["Kept as two invoices."] };
      return { status: "RESOLVED", resolution, openKey: await keptKey(tx, row), reconcile: invoice, audit: { action: "conflict.rejected", changes: { separate } } };
    }
  }
}

/** The conflict's open key, or the one it would hold (a conflict settled since gave it up). */
async function keptKey(tx: Tx, row: ConflictRow): Promise<string | null> {
  const current = await tx.conflict.findUnique({ where: { id: row.id }, select: { openKey: true } });
  return current?.openKey ?? openKeyOf(row);
}

/** Concord's name for the customer becomes `name`, on the customer and on its invoices; nothing is written to the providers. */
async function renameCustomer(tx: Tx, ctx: WorkspaceContext, row: ConflictRow, name: string, action: "take" | "enter", source: string | null, by: string): Promise<Decided> {
  const concord = (Array.isArray(row.values) ? row.values : []).find((v: { provider?: string }) => v?.provider === "CONCORD") as { customerId?: string; value?: string } | undefined;
  const customerId = concord?.customerId;
  if (!customerId) throw invalid("conflictId", "This customer conflict names no customer.");
  const before = await tx.customer.findFirst({ where: { id: customerId, workspaceId: ctx.workspace.id }, select: { name: true } });
  if (!before) throw new ApiError("not_found", "The customer no longer exists.");
  await tx.customer.update({ where: { id: customerId }, data: { name } });
  await tx.$executeRaw`
    UPDATE "Invoice" SET "customerName" = ${name}::text, "searchText" = concat_ws(' ', NULLIF("normalizedNumber", ''), ${normalizeName(name)}::text), "updatedAt" = now()
    WHERE "workspaceId" = ${ctx.workspace.id} AND "customerId" = ${customerId}`;
  const notes = ["Concord shows this name; each system's customer record keeps its own spelling."];
  return {
    status: "RESOLVED",
    resolution: { action, source, value: name, decidedValue: name, by, settledAt: new Date().toISOString(), notes },
    openKey: await keptKey(tx, row),
    reconcile: [],
    audit: { action: "conflict.resolved", changes: { customerId, before: before.name, after: name, source, action } },
  };
}

/** The duplicate (this conflict's invoice) is voided wherever it exists by the sync engine; the other invoice stays. */
async function mergeDuplicate(tx: Tx, ctx: WorkspaceContext, row: ConflictRow, by: string): Promise<Decided> {
  const match = matchOf(row.kind, row.values)!;
  const duplicate = row.invoiceId ? await tx.invoice.findFirst({ where: { id: row.invoiceId, workspaceId: ctx.workspace.id }, select: { id: true, number: true, amountPaidMinor: true } }) : null;
  if (!duplicate) throw new ApiError("not_found", "The duplicate invoice no longer exists.");
  const kept = await tx.invoice.findFirst({ where: { id: match.otherInvoiceId, workspaceId: ctx.workspace.id }, select: { id: true, number: true } });
  if (!kept) throw new ApiError("not_found", "The invoice this one duplicates no longer exists.");
  if (duplicate.amountPaidMinor > 0n) {
    throw invalid("action", `The duplicate has payments recorded on it: move them to ${kept.number ?? "the original"} first, then merge.`);
  }
  const decidedValue = { into: kept.id, from: duplicate.id, record: match.record };
  return {
    status: "RESOLVED",
    resolution: { action: "merge", decidedValue, by },
    openKey: await keptKey(tx, row),
    reconcile: [duplicate.id],
    audit: { action: "conflict.merged", changes: { kept: kept.id, voided: duplicate.id, record: match.record } },
  };
}

/** The record's invoice (this conflict's) joins the other: its records, payments and conflicts move there, and it goes. */
async function confirmMatch(tx: Tx, ctx: WorkspaceContext, row: ConflictRow, by: string): Promise<Decided> {
  const match = matchOf(row.kind, row.values)!;
  const from = row.invoiceId;
  const into = match.otherInvoiceId;
  if (!from) throw new ApiError("not_found", "The record's invoice no longer exists.");
  const records = await tx.externalRecord.findMany({ where: { workspaceId: ctx.workspace.id, entityType: "INVOICE", invoiceId: { in: [from, into] } }, select: { invoiceId: true, connectionId: true } });
  if (!records.some((r) => r.invoiceId === into)) throw new ApiError("not_found", "The invoice this record may belong to no longer exists.");
  const shared = records.filter((r) => r.invoiceId === from).map((r) => r.connectionId).filter((c) => records.some((o) => o.invoiceId === into && o.connectionId === c));
  if (shared.length > 0) throw invalid("action", "Both invoices hold a record in the same system, so they are not one invoice seen twice: reject the match, or resolve the duplicate there.");
  const ws = ctx.workspace.id;
  // Serialized with ingest (lib/sync/link), which links records into these invoices.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`ingest:${ws}`}))`;
  await tx.$executeRaw`UPDATE "ExternalRecord" SET "invoiceId" = ${into}, "matchRule" = 'CONFIRMED', "matchConfidence" = 100, "updatedAt" = now() WHERE "workspaceId" = ${ws} AND "invoiceId" = ${from}`;
  await tx.$executeRaw`UPDATE "Payment" SET "invoiceId" = ${into}, "updatedAt" = now() WHERE "workspaceId" = ${ws} AND "invoiceId" = ${from}`;
  await tx.$executeRaw`UPDATE "Conflict" SET "invoiceId" = ${into}, "updatedAt" = now() WHERE "workspaceId" = ${ws} AND "invoiceId" = ${from}`;
  await tx.$executeRaw`DELETE FROM "Invoice" WHERE "workspaceId" = ${ws} AND id = ${from}`;
  await recomputeInvoices(tx, ws, [into], await syncRulesFor(ws, tx));
  const resolution = { action: "confirm", decidedValue: { into, from, record: match.record }, by, settledAt: new Date().toISOString(), notes: ["Linked as one invoice."] };
  return { status: "RESOLVED", resolution, openKey: await keptKey(tx, row), reconcile: [into], audit: { action: "conflict.confirmed", changes: { into, from, record: match.record } } };
}
