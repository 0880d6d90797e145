/**
 * The audit trail as CSV: the filtered set, newest first, produced as a stream that reads the
 * database a batch at a time (keyset on the id) only when the reader wants more, so a 100k-entry
 * export holds about one batch in memory. Cells are escaped per RFC 4180 and guarded against
 * formula injection (a cell a spreadsheet would run as a formula starts with a quote instead).
 */
import { db } from "../db";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { recordAudit } from "./record";
import { auditBatch, toView } from "./list";
import type { AuditEntryView, AuditFilters } from "./schemas";

export const CSV_BATCH = 1000;

const COLUMNS: [string, (e: AuditEntryView) => string | null][] = [
  ["id", (e) => e.id],
  ["at", (e) => e.at],
  ["actor_type", (e) => e.actorType],
  ["actor_id", (e) => e.actorId],
  ["actor", (e) => e.actorLabel],
  ["action", (e) => e.action],
  ["subject_type", (e) => e.subjectType],
  ["subject_id", (e) => e.subjectId],
  ["connection_id", (e) => e.connectionId],
  ["correlation_id", (e) => e.correlationId],
  ["changes", (e) => (e.changes === null || e.changes === undefined ? null : JSON.stringify(e.changes))],
  ["prev_hash", (e) => e.prevHash],
  ["hash", (e) => e.hash],
];

/**
 * One CSV cell. Spreadsheets run a cell starting with = + - @ (or a tab or carriage return, which
 * some strip first) as a formula: such a cell gets a leading ' (OWASP's advice), shown as text.
 * Then quoted when it holds a quote, comma or line break, with quotes doubled.
 */
export function csvCell(value: string | null): string {
  if (value === null) return "";
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: (string | null)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

export const CSV_HEADER = csvLine(COLUMNS.map(([name]) => name));

export function entryToCsv(entry: AuditEntryView): string {
  return csvLine(COLUMNS.map(([, cell]) => cell(entry)));
}

/**
 * The matching entries below `beforeId` (all when null) as a CSV byte stream. Pull-based: the next
 * batch is read only when the consumer has taken the previous one, so memory stays flat however
 * long the export, and a client that goes away stops the reading.
 */
export function auditCsvStream(workspaceId: string, filters: AuditFilters, beforeId: bigint | null = null, batchSize = CSV_BATCH): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor = beforeId;
  let started = false;
  let finished = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(CSV_HEADER));
          return;
        }
        const rows = await auditBatch(workspaceId, filters, cursor, batchSize);
        if (finished) return; // cancelled while reading
        if (rows.length) {
          controller.enqueue(encoder.encode(rows.map((row) => entryToCsv(toView(row))).join("")));
          cursor = rows[rows.length - 1]!.id;
        }
        if (rows.length < batchSize) {
          finished = true;
          controller.close();
        }
      },
      cancel() {
        finished = true;
      },
    },
    // One chunk (a batch) waits at most: the reader's pace sets the reading's.
    { highWaterMark: 1 },
  );
}

/**
 * An export by a person: recorded in the trail (who took a copy, with which filters), then the
 * entries written before that record, so the file is one consistent cut of the trail.
 */
export async function exportAudit(ctx: WorkspaceContext, filters: AuditFilters): Promise<{ filename: string; stream: ReadableStream<Uint8Array> }> {
  assertCan(ctx, "audit:view");
  const recorded = await db().$transaction((tx) =>
    recordAudit(tx, { workspaceId: ctx.workspace.id, actor: ctx.actor, action: "audit.exported", subjectType: "workspace", subjectId: ctx.workspace.id, changes: { filters } }),
  );
  const day = new Date().toISOString().slice(0, 10);
  return { filename: `concord-audit-${ctx.workspace.slug}-${day}.csv`, stream: auditCsvStream(ctx.workspace.id, filters, BigInt(recorded.id)) };
}
