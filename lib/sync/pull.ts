/**
 * Pulling a connection: a backfill pages through every customer, invoice and payment (taking the
 * incremental cursor first, so nothing that changes meanwhile is missed); an incremental pull
 * follows the provider's change feed from the saved cursor. Progress is kept in a SyncRun and the
 * cursor is saved after each page, so a pull that dies resumes instead of starting over.
 */
import { db } from "../db";
import { connectorFor } from "../connectors";
import { ProviderError } from "../connectors/errors";
import type { EntityKind, Page, ProviderClient, ProviderId } from "../connectors/types";
import { accessToken, ConnectionUnavailableError } from "../connections/tokens";
import { log } from "../log";
import { recordAudit } from "../audit/record";
import { readAhead } from "./read-ahead";
import { upsertRecords, type AnyRecord } from "./records";
import { addIngest, EMPTY_INGEST, ingestStored, type IngestSummary } from "./link";

type Cursors = { changes?: string };
export type PullKind = "BACKFILL" | "INCREMENTAL";
export type PullSummary = { runId: string; workspaceId: string; kind: PullKind; processed: number; inserted: number; updated: number; ingest: IngestSummary; error: string | null };

/**
 * A run that has recorded no progress for this long was left by a process that stopped (a crash,
 * a deploy): every page and every change call records progress, so a live run never goes quiet
 * this long. It no longer blocks the connection's next pull, and is marked abandoned. (Two pulls
 * of one connection at once would only repeat work: stored records are version-checked.)
 */
const STALE_RUN_MS = 90_000;
const ABANDONED = "Abandoned: the process running it stopped. The next sync picked up from the last saved cursor.";

/**
 * At start-up with the embedded executor, nothing from before is still running (its runs live in
 * memory): runs left RUNNING are abandoned at once, so the start-up sweep's pulls are not refused.
 */
export async function abandonRunningPulls(connectionIds?: string[]): Promise<number> {
  const { count } = await db().syncRun.updateMany({ where: { status: "RUNNING", ...(connectionIds ? { connectionId: { in: connectionIds } } : {}) }, data: { status: "FAILED", finishedAt: new Date(), error: ABANDONED } });
  return count;
}
const MAX_CHANGE_CALLS = 200;
/** Records stored and linked per transaction during a backfill: big enough to amortize round trips, small enough to show progress. */
const BACKFILL_BATCH = 1_000;
/** Provider pages fetched ahead of storing: enough to keep the provider busy while the database works. */
const READ_AHEAD_PAGES = 20;

/** The ingest counts without the (possibly long) list of invoice ids, for the audit trail. */
function countsOf({ invoiceIds, ...counts }: IngestSummary): Record<string, number> {
  return { ...counts, invoicesTouched: invoiceIds.length };
}

/** A prefetch whose failure surfaces where it is awaited, never as an unhandled rejection meanwhile. */
function settle<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

export class PullInProgressError extends Error {}

/** Words a person can act on, for the Connections page. */
export function describeFailure(error: unknown, label: string): string {
  if (error instanceof ConnectionUnavailableError) return `${label} needs to be reconnected before Concord can sync it.`;
  if (error instanceof ProviderError) {
    switch (error.kind) {
      case "rate_limited":
        return `${label} asked Concord to slow down; the next sync picks up where this one stopped.`;
      case "unauthorized":
      case "forbidden":
        return `${label} refused Concord's access. Reconnect it, granting the requested permissions.`;
      case "server":
      case "network":
      case "timeout":
        return `${label} could not be reached or had an error on its side; Concord will try again.`;
      case "stale":
        return `${label}'s change history no longer reaches back to the last sync; a full sync is needed.`;
      default:
        return `${label} rejected a request from Concord: ${error.message}`;
    }
  }
  return `Syncing ${label} failed unexpectedly; the next sync will try again.`;
}

const LISTS: [EntityKind, (c: ProviderClient, cursor: string | null) => Promise<Page<AnyRecord>>][] = [
  ["customer", (c, cursor) => c.listCustomers(cursor)],
  ["invoice", (c, cursor) => c.listInvoices(cursor)],
  ["payment", (c, cursor) => c.listPayments(cursor)],
];

export async function pullConnection(connectionId: string, requested?: PullKind): Promise<PullSummary> {
  const connection = await db().connection.findUniqueOrThrow({
    where: { id: connectionId },
    select: { id: true, workspaceId: true, provider: true, externalAccountId: true, cursors: true, status: true },
  });
  const provider = connection.provider.toLowerCase() as ProviderId;
  const connector = connectorFor(provider);
  const cursors = (connection.cursors ?? {}) as Cursors;
  const kind: PullKind = requested ?? (cursors.changes ? "INCREMENTAL" : "BACKFILL");
  const quietSince = new Date(Date.now() - STALE_RUN_MS);
  await db().syncRun.updateMany({
    where: { connectionId, status: "RUNNING", updatedAt: { lte: quietSince } },
    data: { status: "FAILED", finishedAt: new Date(), error: ABANDONED },
  });
  const running = await db().syncRun.findFirst({ where: { connectionId, status: "RUNNING", updatedAt: { gt: quietSince } } });
  if (running) throw new PullInProgressError(`A ${running.kind.toLowerCase()} of this connection is already running.`);
  const run = await db().syncRun.create({
    data: { workspaceId: connection.workspaceId, connectionId, kind, status: "RUNNING", startedAt: new Date(), cursorBefore: cursors },
  });
  const scope = { workspaceId: connection.workspaceId, connectionId };
  const client = connector.client({ accountId: connection.externalAccountId, accessToken: (force) => accessToken(connectionId, force), connectionKey: connectionId });
  const totals = { processed: 0, inserted: 0, updated: 0, ingest: EMPTY_INGEST };
  const progress = async (cursorAfter: object) => {
    await db().syncRun.update({ where: { id: run.id }, data: { processed: totals.processed, cursorAfter } });
  };
  // Linking a batch into the canonical picture runs while the next batch is stored: one link in
  // flight at most, in order, and its failure stops the pull at the next batch.
  let linking: Promise<void> = Promise.resolve();
  let analyzedAt = 250;
  const take = async (entity: EntityKind, records: AnyRecord[]) => {
    const counts = await upsertRecords(scope, records.map((record) => ({ entity, record })));
    totals.processed += records.length;
    totals.inserted += counts.inserted;
    totals.updated += counts.updated;
    // A backfill can grow the tables many times over within a minute, long before autovacuum
    // refreshes their statistics; the planner then treats big tables as small. Refreshed as the
    // data grows by each factor of four.
    if (kind === "BACKFILL" && totals.processed >= analyzedAt * 4) {
      analyzedAt = totals.processed;
      await linking;
      await db().$executeRaw`ANALYZE "ExternalRecord", "Invoice", "Payment", "Customer"`;
    }
    const previous = linking;
    linking = settle(
      previous.then(async () => {
        totals.ingest = addIngest(totals.ingest, await ingestStored(connection.workspaceId, { id: connectionId, provider: connection.provider }, counts.changed, { markDue: kind === "INCREMENTAL" }));
      }),
    );
    await previous;
  };


  try {
    if (kind === "BACKFILL") {
      const changesFrom = await client.startCursor();
      for (const [entity, list] of LISTS) {
        // Pages are fetched ahead while earlier ones are stored and linked, and stored a few at a time.
        let buffer: AnyRecord[] = [];
        for await (const page of readAhead((cursor) => list(client, cursor), READ_AHEAD_PAGES)) {
          buffer = buffer.concat(page.items);
          if (buffer.length >= BACKFILL_BATCH || !page.next) {
            await take(entity, buffer);
            buffer = [];
            await progress({ entity, page: page.next });
          }
        }
      }
      await linking;
      await db().connection.update({ where: { id: connectionId }, data: { cursors: { ...cursors, changes: changesFrom } } });
    } else {
      let cursor = cursors.changes!;
      for (let call = 0; call < MAX_CHANGE_CALLS; call++) {
        const changes = await client.changes(cursor);
        await take("customer", changes.customers);
        await take("invoice", changes.invoices);
        await take("payment", changes.payments);
        // The cursor moves only past changes that are linked.
        await linking;
        cursor = changes.cursor;
        // Saved after every call: a pull that dies resumes from here.
        await db().connection.update({ where: { id: connectionId }, data: { cursors: { ...cursors, changes: cursor } } });
        await progress({ changes: cursor });
        if (!changes.hasMore) break;
      }
    }
    await db().$transaction(async (tx) => {
      await tx.syncRun.update({ where: { id: run.id }, data: { status: "SUCCEEDED", finishedAt: new Date(), processed: totals.processed, total: totals.processed } });
      await tx.connection.update({ where: { id: connectionId }, data: { lastSyncedAt: new Date(), lastError: null } });
      await recordAudit(tx, {
        workspaceId: connection.workspaceId,
        actor: { type: "SYSTEM", id: run.id, label: `${connector.label} ${kind === "BACKFILL" ? "backfill" : "sync"}` },
        action: kind === "BACKFILL" ? "sync.backfill" : "sync.pull",
        subjectType: "connection",
        subjectId: connectionId,
        connectionId,
        changes: { processed: totals.processed, inserted: totals.inserted, updated: totals.updated, ...countsOf(totals.ingest) },
        correlationId: run.id,
      });
    });
    return { runId: run.id, workspaceId: connection.workspaceId, kind, ...totals, error: null };
  } catch (error) {
    const message = describeFailure(error, connector.label);
    log().warn({ connectionId, kind, err: error instanceof Error ? error.message : String(error) }, "pull failed");
    await db().syncRun.update({ where: { id: run.id }, data: { status: "FAILED", finishedAt: new Date(), processed: totals.processed, error: message } });
    await db().connection.updateMany({ where: { id: connectionId, status: "ACTIVE" }, data: { lastError: message } });
    return { runId: run.id, workspaceId: connection.workspaceId, kind, ...totals, error: message };
  }
}
