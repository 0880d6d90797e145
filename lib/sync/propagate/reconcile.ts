/**
 * Reconciling one canonical invoice: read what every connected system holds, plan (./plan.ts),
 * raise the conflicts the rules cannot settle, and carry out the writes, each with its idempotency
 * key, storing what the provider answered (so the next plan sees it) and writing an audit entry
 * with a summary of the request and the answer. Safe to run again at any point: a write already
 * made is recognized by its key (the provider replays it) and by the stored state (not planned).
 *
 * The invoice's `syncDueAt` is the durable to-do: a plan with nothing left to write clears it
 * (and remembers what every system showed, for "changed on both sides" next time); a plan with
 * writes keeps it set until they land; a plan blocked only by a target waiting for Reconnect
 * parks it an hour out (lib/sync/resume.ts brings it back on Reconnect).
 */
import { db } from "../../db";
import type { Prisma } from "../../db/generated/client";
import { recordAudit } from "../../audit/record";
import { canUpdateIssued, connectorFor } from "../../connectors";
import type { ExternalInvoice, ExternalPayment, InvoiceStatus, ProviderClient, ProviderId } from "../../connectors/types";
import { accessToken } from "../../connections/tokens";
import type { InvoiceSnapshot, ProviderName } from "../canonical";
import { syncRulesFor } from "../rules";
import { ingestStored } from "../link";
import { upsertRecords } from "../records";
import { autoResolveRulesFor } from "../../conflicts/auto-rules";
import { planPropagation, syncedStateOf, type Plan, type PlanInput, type SyncedState, type TargetState, type Write } from "./plan";
import { decisionsOf } from "./decisions-read";
import type { Settlement } from "./decisions";

/** `changed`: the provider's answer changed the canonical picture, so the invoice is planned again. */
export type WriteOutcome = { write: Write; ok: boolean; externalId: string | null; error: string | null; changed: boolean };

/** A target blocked only by a missing Reconnect is looked at again after this long (or at once on Reconnect). */
export const PAUSED_RECHECK_MS = 60 * 60_000;
export type ReconcileResult = { plan: Plan; outcomes: WriteOutcome[]; conflictsOpened: number };

const day = (d: Date) => d.toISOString().slice(0, 10);

/** Everything the planner needs, read in a few queries. */
async function planInput(invoiceId: string): Promise<{ input: PlanInput; workspaceId: string; dueAt: Date | null } | null> {
  const invoice = await db().invoice.findUnique({
    where: { id: invoiceId },
    select: {
      id: true,
      workspaceId: true,
      version: true,
      number: true,
      currency: true,
      totalMinor: true,
      status: true,
      issueDate: true,
      dueDate: true,
      memo: true,
      syncDueAt: true,
      syncedState: true,
      pushFailures: { select: { idempotencyKey: true } },
      customer: { select: { name: true, email: true } },
      lines: { orderBy: { position: "asc" }, select: { description: true, quantity: true, unitAmountMinor: true } },
      externalRecords: { where: { entityType: "INVOICE" }, select: { connectionId: true, externalId: true, snapshot: true } },
      payments: { select: { id: true, kind: true, amountMinor: true, currency: true, paidOn: true, externalRecords: { select: { connectionId: true } } } },
    },
  });
  if (!invoice) return null;
  const connections = await db().connection.findMany({
    where: { workspaceId: invoice.workspaceId, status: { not: "DISCONNECTED" } },
    select: { id: true, provider: true, status: true, createdAt: true },
    orderBy: { createdAt: "asc" },
  });
  const recordOf = new Map(invoice.externalRecords.map((r) => [r.connectionId, r]));
  const targets: TargetState[] = connections.map((c) => {
    const r = recordOf.get(c.id);
    const s = r?.snapshot as InvoiceSnapshot | undefined;
    return {
      connectionId: c.id,
      provider: c.provider as ProviderName,
      status: c.status,
      connectedOn: day(c.createdAt),
      record: r && s
        ? { externalId: r.externalId, status: s.deleted ? "DELETED" : s.status, currency: s.currency, totalMinor: BigInt(s.totalMinor), amountPaidMinor: BigInt(s.amountPaidMinor), amountDueMinor: BigInt(s.amountDueMinor), dueDate: s.dueDate }
        : null,
      refunds: connectorFor(c.provider.toLowerCase() as ProviderId).supportsRefunds,
      label: connectorFor(c.provider.toLowerCase() as ProviderId).label,
      updates: canUpdateIssued(c.provider.toLowerCase() as ProviderId),
    };
  });
  // The payments' source of truth: the first system in the rules' order that holds the invoice.
  const holders = targets.filter((t) => t.record);
  const rules = await syncRulesFor(invoice.workspaceId);
  const source = rules.payments.map((p) => holders.find((t) => t.provider === p)).find(Boolean) ?? null;
  return {
    workspaceId: invoice.workspaceId,
    dueAt: invoice.syncDueAt,
    input: {
      invoice: {
        id: invoice.id,
        version: invoice.version,
        number: invoice.number,
        currency: invoice.currency,
        totalMinor: invoice.totalMinor,
        status: invoice.status as InvoiceStatus,
        issueDate: invoice.issueDate ? day(invoice.issueDate) : null,
        dueDate: invoice.dueDate ? day(invoice.dueDate) : null,
        memo: invoice.memo,
        customer: invoice.customer ? { name: invoice.customer.name, email: invoice.customer.email, externalIds: {} } : null,
        lines: invoice.lines.map((l) => ({ description: l.description, quantity: l.quantity.toString(), unitAmountMinor: l.unitAmountMinor })),
      },
      payments: invoice.payments.map((p) => ({ id: p.id, kind: p.kind, amountMinor: p.amountMinor, currency: p.currency, paidOn: day(p.paidOn), seenBy: p.externalRecords.map((e) => e.connectionId) })),
      paymentSource: source?.connectionId ?? null,
      targets,
      failedKeys: invoice.pushFailures.map((f) => f.idempotencyKey),
      decisions: await decisionsOf(invoice.id, invoice.externalRecords, invoice.lines),
      // Either side of an open match question: the record's invoice, or the one it may belong to (named in the key).
      awaitingMatch: (await db().conflict.count({ where: { workspaceId: invoice.workspaceId, status: "OPEN", kind: { in: ["DUPLICATE", "POSSIBLE_MATCH"] }, OR: [{ invoiceId: invoice.id }, { openKey: { contains: invoice.id } }] } })) > 0,
      autoResolve: await autoResolveRulesFor(invoice.workspaceId),
      synced: (invoice.syncedState as SyncedState | null) ?? null,
    },
  };
}

function clientFor(connectionId: string, provider: string, accountId: string): ProviderClient {
  return connectorFor(provider.toLowerCase() as ProviderId).client({ accountId, accessToken: (force) => accessToken(connectionId, force), connectionKey: connectionId });
}

async function carryOut(client: ProviderClient, write: Write, input: PlanInput): Promise<{ entity: "invoice"; record: ExternalInvoice } | { entity: "payment"; record: ExternalPayment }> {
  const options = { idempotencyKey: write.idempotencyKey };
  switch (write.kind) {
    case "record_payment":
      return { entity: "payment", record: await client.recordPayment({ invoiceExternalId: write.externalId, amountMinor: write.amountMinor, currency: write.currency, paidOn: write.paidOn, reference: `Concord ${write.paymentId}` }, options) };
    case "record_refund":
      return { entity: "payment", record: await client.recordRefund({ invoiceExternalId: write.externalId, amountMinor: write.amountMinor, currency: write.currency, refundedOn: write.paidOn, reference: `Concord ${write.paymentId}` }, options) };
    case "void_invoice":
      return { entity: "invoice", record: await client.voidInvoice(write.externalId, options) };
    case "update_invoice":
      return { entity: "invoice", record: await client.updateInvoice(write.externalId, write.patch, options) };
    case "create_invoice": {
      const i = input.invoice;
      const draft = { concordId: i.id, number: i.number, customer: { externalId: null, name: i.customer?.name ?? "Unknown customer", email: i.customer?.email ?? null }, currency: i.currency, issueDate: i.issueDate, dueDate: i.dueDate, memo: i.memo, lines: i.lines };
      return { entity: "invoice", record: await client.createInvoice(draft, options) };
    }
  }
}

/** Each system's value of a compared field, as a conflict shows it. */
function valueOf(record: NonNullable<TargetState["record"]>, field: string): string | null {
  switch (field) {
    case "currency":
      return record.currency;
    case "totalMinor":
      return record.totalMinor.toString();
    case "status":
      return record.status;
    case "dueDate":
      return record.dueDate;
    default:
      return null;
  }
}

/** Open conflicts for what the plan could not settle, each with an audit entry; an open one is never raised twice. */
async function raiseConflicts(workspaceId: string, invoiceId: string, plan: Plan, input: PlanInput): Promise<number> {
  if (plan.conflicts.length === 0) return 0;
  let opened = 0;
  for (const kind of [...new Set(plan.conflicts.map((c) => c.kind))]) {
    const mine = plan.conflicts.filter((c) => c.kind === kind);
    const { field, canonical, reason } = mine[0]!;
    const values = [
      { connectionId: null, provider: "CONCORD", value: canonical },
      ...(kind === "MISSING"
        ? // Every system that should hold it, with its id there or null where it is missing.
          input.targets.filter((t) => t.status === "ACTIVE" && (t.record || mine.some((c) => c.connectionId === t.connectionId))).map((t) => ({ connectionId: t.connectionId, provider: t.provider, externalId: t.record?.externalId ?? null, value: t.record && t.record.status !== "DELETED" ? t.record.externalId : null }))
        : input.targets.filter((t) => t.record).map((t) => ({ connectionId: t.connectionId, provider: t.provider, externalId: t.record!.externalId, value: valueOf(t.record!, field) }))),
    ];
    opened += await db().$transaction(async (tx) => {
      const created = await tx.conflict.createMany({
        data: [{ workspaceId, invoiceId, kind, field, values: values as Prisma.InputJsonValue, openKey: `${kind}:${invoiceId}:${field}`, reason }],
        skipDuplicates: true,
      });
      if (created.count > 0) {
        await recordAudit(tx, { workspaceId, actor: { type: "SYSTEM", label: "Sync engine" }, action: "conflict.opened", subjectType: "invoice", subjectId: invoiceId, changes: { kind, field, reason, values } as Prisma.InputJsonValue });
      }
      return created.count;
    });
  }
  return opened;
}

/**
 * Settles the invoice's to-do after a plan: nothing left to write clears it and remembers what
 * every system shows; writes keep it set; a paused target parks it. Only if no change marked the
 * invoice again since it was read (`dueAt` unchanged), so a newer change is never lost.
 */
async function settleDue(invoiceId: string, plan: Plan, read: { input: PlanInput; dueAt: Date | null }): Promise<void> {
  if (plan.writes.length > 0) {
    await db().$executeRaw`UPDATE "Invoice" SET "syncDueAt" = COALESCE("syncDueAt", now() AT TIME ZONE 'UTC') WHERE id = ${invoiceId}`;
  } else if (plan.paused) {
    await db().$executeRaw`UPDATE "Invoice" SET "syncDueAt" = ${new Date(Date.now() + PAUSED_RECHECK_MS)} WHERE id = ${invoiceId} AND "syncDueAt" IS NOT DISTINCT FROM ${read.dueAt}`;
  } else {
    const synced = JSON.stringify(syncedStateOf(read.input));
    await db().$executeRaw`UPDATE "Invoice" SET "syncDueAt" = NULL, "syncedState" = ${synced}::jsonb WHERE id = ${invoiceId} AND "syncDueAt" IS NOT DISTINCT FROM ${read.dueAt}`;
  }
}

/**
 * Decisions with nothing left to write stop steering: `settledAt` and the notes (systems that
 * could not take the value, and why) go on their resolution. A decision every system agrees with
 * gives up its conflict's open key, so the same difference coming back later is a new conflict;
 * otherwise the key stays, and the difference the person accepted is not raised again.
 */
async function storeSettlements(settled: Settlement[]): Promise<void> {
  for (const s of settled) {
    const mark = JSON.stringify({ settledAt: new Date().toISOString(), notes: s.notes });
    await db().$executeRaw`
      UPDATE "Conflict" SET resolution = resolution || ${mark}::jsonb, "openKey" = CASE WHEN ${s.agreed} THEN NULL ELSE "openKey" END, "updatedAt" = now()
      WHERE id = ${s.conflictId} AND status = 'RESOLVED' AND NOT (resolution ? 'settledAt')`;
  }
}

/**
 * Differences an auto-resolution rule settled, stored once as resolved conflicts ("auto" with the
 * rule) holding the open key, so they are neither raised for a person nor recorded again while
 * they last. A rule that takes a value leaves a decision for the next plan to carry out.
 */
async function recordAutoResolved(workspaceId: string, invoiceId: string, plan: Plan, input: PlanInput): Promise<number> {
  let recorded = 0;
  for (const found of plan.autoResolved) {
    const values = [
      { connectionId: null, provider: "CONCORD", value: found.canonical },
      ...input.targets.filter((t) => t.record).map((t) => ({ connectionId: t.connectionId, provider: t.provider, externalId: t.record!.externalId, value: valueOf(t.record!, found.field) })),
    ];
    const resolution = { action: "auto", rule: found.rule, source: null, value: null, decidedValue: found.decidedValue, by: "Auto-resolution rule", ...(found.decidedValue === null ? { settledAt: new Date().toISOString(), notes: [found.reason] } : {}) };
    recorded += await db().$transaction(async (tx) => {
      const created = await tx.conflict.createMany({
        data: [{ workspaceId, invoiceId, kind: found.kind, field: found.field, values: values as Prisma.InputJsonValue, openKey: `${found.kind}:${invoiceId}:${found.field}`, status: "RESOLVED", resolution: resolution as Prisma.InputJsonValue, resolvedAt: new Date(), reason: found.reason }],
        skipDuplicates: true,
      });
      if (created.count > 0) {
        await recordAudit(tx, { workspaceId, actor: { type: "SYSTEM", label: "Auto-resolution rule" }, action: "conflict.auto_resolved", subjectType: "invoice", subjectId: invoiceId, changes: { kind: found.kind, field: found.field, rule: found.rule, reason: found.reason, decidedValue: found.decidedValue, values } as Prisma.InputJsonValue });
      }
      return created.count;
    });
  }
  return recorded;
}

/** Plans an invoice's writes and opens the conflicts the rules cannot settle; null for an unknown invoice. */
export async function planReconcile(invoiceId: string): Promise<{ plan: Plan; conflictsOpened: number; workspaceId: string } | null> {
  const read = await planInput(invoiceId);
  if (!read) return null;
  const plan = planPropagation(read.input);
  const conflictsOpened = await raiseConflicts(read.workspaceId, invoiceId, plan, read.input);
  const autoResolved = await recordAutoResolved(read.workspaceId, invoiceId, plan, read.input);
  await storeSettlements(plan.settled);
  // A rule that took a value left a decision: plan again, now carrying it out.
  if (autoResolved > 0 && plan.autoResolved.some((a) => a.decidedValue !== null)) return planReconcile(invoiceId);
  await settleDue(invoiceId, plan, read);
  return { plan, conflictsOpened, workspaceId: read.workspaceId };
}

/**
 * Plans an invoice without carrying anything out and without marking it due: the conflicts the
 * rules cannot settle are raised (and auto-resolved ones recorded), nothing is written anywhere.
 * For history seen on first pulls (lib/sync/review.ts). True when a conflict was opened.
 */
export async function reviewInvoice(invoiceId: string): Promise<boolean> {
  const read = await planInput(invoiceId);
  if (!read) return false;
  const plan = planPropagation({ ...read.input, history: true });
  const opened = await raiseConflicts(read.workspaceId, invoiceId, plan, read.input);
  await recordAutoResolved(read.workspaceId, invoiceId, plan, read.input);
  return opened > 0;
}

export type PlannedPush = { connectionId: string; provider: ProviderName; kind: Write["kind"]; idempotencyKey: string };

/** The plan as the sync engine carries it: one push per write (ids only), the conflicts opened, the targets left alone. */
export async function planPushes(invoiceId: string): Promise<{ pushes: PlannedPush[]; conflictsOpened: number; skipped: number }> {
  const planned = await planReconcile(invoiceId);
  if (!planned) return { pushes: [], conflictsOpened: 0, skipped: 0 };
  const { plan } = planned;
  const providerOf = new Map(await db().connection.findMany({ where: { id: { in: plan.writes.map((w) => w.connectionId) } }, select: { id: true, provider: true } }).then((rows) => rows.map((c) => [c.id, c.provider as ProviderName])));
  return {
    pushes: plan.writes.map((w) => ({ connectionId: w.connectionId, provider: providerOf.get(w.connectionId)!, kind: w.kind, idempotencyKey: w.idempotencyKey })),
    conflictsOpened: planned.conflictsOpened,
    skipped: plan.skipped.length,
  };
}

/**
 * Carries out one planned write, named by its idempotency key. The plan is made again first: a
 * write that is no longer needed (an earlier attempt made it, or the target changed) is skipped,
 * and a write made but not recorded is recognized by the provider through its key.
 */
export async function executeWrite(invoiceId: string, idempotencyKey: string, correlationId: string | null = null): Promise<WriteOutcome | { skipped: true; reason: string }> {
  const read = await planInput(invoiceId);
  if (!read) return { skipped: true, reason: "the invoice no longer exists" };
  const { input, workspaceId } = read;
  const write = planPropagation(input).writes.find((w) => w.idempotencyKey === idempotencyKey);
  if (!write) return { skipped: true, reason: "no longer needed" };
  const connection = await db().connection.findUniqueOrThrow({ where: { id: write.connectionId }, select: { id: true, provider: true, externalAccountId: true } });
  const label = connectorFor(connection.provider.toLowerCase() as ProviderId).label;
  const request = write.kind === "update_invoice" ? { invoice: write.externalId, patch: JSON.parse(JSON.stringify(write.patch, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) } : write.kind === "record_payment" || write.kind === "record_refund" ? { amountMinor: write.amountMinor.toString(), currency: write.currency, paidOn: write.paidOn, invoice: write.externalId } : write.kind === "void_invoice" ? { invoice: write.externalId } : { number: input.invoice.number };
  const audit = (action: string, changes: Prisma.InputJsonValue) =>
    db().$transaction((tx) =>
      recordAudit(tx, { workspaceId, actor: { type: "SYSTEM", label: "Sync engine" }, action, subjectType: "invoice", subjectId: invoiceId, connectionId: connection.id, changes, correlationId }),
    );
  try {
    const client = clientFor(connection.id, connection.provider, connection.externalAccountId);
    const answer = await carryOut(client, write, input);
    // A payment changes its invoice there too (balance, status): read it back rather than wait for a webhook.
    const invoiceAfter = write.kind === "record_payment" || write.kind === "record_refund" ? await client.getInvoice(write.externalId) : null;
    const stored = await upsertRecords({ workspaceId, connectionId: connection.id }, [...(invoiceAfter ? [{ entity: "invoice" as const, record: invoiceAfter }] : []), answer]);
    const ingest = await ingestStored(workspaceId, { id: connection.id, provider: connection.provider as ProviderName }, stored.changed, { markDue: true });
    await audit(`sync.push.${write.kind}`, { request, answer: { externalId: answer.record.externalId, version: answer.record.version }, idempotencyKey });
    return { write, ok: true, externalId: answer.record.externalId, error: null, changed: ingest.invoiceIds.length > 0 };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await audit(`sync.push_failed.${write.kind}`, { request, error: `${label}: ${message}`.slice(0, 500), idempotencyKey });
    throw error;
  }
}

/** Plan and carry out every write in this process (tests and tools; the sync engine runs each write as its own step). */
export async function reconcileInvoice(invoiceId: string, correlationId: string | null = null): Promise<ReconcileResult | null> {
  const planned = await planReconcile(invoiceId);
  if (!planned) return null;
  const outcomes: WriteOutcome[] = [];
  for (const write of planned.plan.writes) {
    try {
      const outcome = await executeWrite(invoiceId, write.idempotencyKey, correlationId);
      if ("ok" in outcome) outcomes.push(outcome);
    } catch (error) {
      outcomes.push({ write, ok: false, externalId: null, error: error instanceof Error ? error.message : String(error), changed: false });
    }
  }
  return { plan: planned.plan, outcomes, conflictsOpened: planned.conflictsOpened };
}
