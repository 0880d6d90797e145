/** The CSV export: escaping, the formula guard, batches read on demand, filters and workspace scope. */
import { describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makePerson } from "../../test/factories";
import { recordAudit, type AuditInput } from "./record";
import { auditCsvStream, CSV_HEADER, csvCell, csvLine, exportAudit } from "./export";

const write = (input: AuditInput) => db().$transaction((tx) => recordAudit(tx, input));

/** A small RFC 4180 reader, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(cell);
      cell = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += c;
  }
  expect(cell, "the file ends with a complete line").toBe("");
  return rows;
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe("CSV cells", () => {
  it("quotes commas, quotes and line breaks, and leaves plain text alone", () => {
    expect(csvCell("plain text")).toBe("plain text");
    expect(csvCell(null)).toBe("");
    expect(csvCell("")).toBe("");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvLine(["1", null, "x,y"])).toBe('1,,"x,y"\r\n');
  });

  it("turns anything a spreadsheet would run as a formula into text", () => {
    expect(csvCell("=HYPERLINK(\"http://evil\",\"x\")")).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("a=1")).toBe("a=1");
  });
});

describe("the CSV export", () => {
  it("streams the filtered set of one workspace, newest first, in batches, every value intact", async () => {
    const owner = await makePerson("csv");
    const other = await makePerson("csv-other");
    const workspaceId = owner.workspace.id;
    const tricky = 'Ann "the auditor", Finance\nLondon';
    for (let i = 0; i < 23; i++) {
      await write({
        workspaceId,
        actor: i === 5 ? { type: "USER", id: owner.id, label: tricky } : { type: "SYSTEM", id: `run_${i}`, label: "=cmd|' /C calc'!A0" },
        action: i % 2 ? "sync.push.record_payment" : "sync.pull",
        subjectType: "invoice",
        subjectId: `inv_${i}`,
        connectionId: "conn_1",
        correlationId: `run_${i}`,
        changes: { amountPaidMinor: { old: "0", new: String(i * 100) }, memo: "a, \"quoted\" memo" },
      });
    }
    await write({ workspaceId: other.workspace.id, actor: { type: "SYSTEM", label: "Sync engine" }, action: "sync.pull", subjectType: "invoice", subjectId: "inv_0" });

    const rows = parseCsv(await readAll(auditCsvStream(workspaceId, {}, null, 7)));
    expect(rows[0]).toEqual(parseCsv(CSV_HEADER)[0]);
    expect(rows[0]).toEqual(["id", "at", "actor_type", "actor_id", "actor", "action", "subject_type", "subject_id", "connection_id", "correlation_id", "changes", "prev_hash", "hash"]);
    const body = rows.slice(1);
    expect(body).toHaveLength(23);
    const stored = await db().auditEntry.findMany({ where: { workspaceId }, orderBy: { id: "desc" } });
    expect(body.map((r) => r[0])).toEqual(stored.map((e) => e.id.toString()));
    expect(body.map((r) => r[12])).toEqual(stored.map((e) => e.hash));
    const annRow = body.find((r) => r[7] === "inv_5")!;
    expect(annRow[4]).toBe(tricky);
    expect(JSON.parse(annRow[10]!)).toEqual({ amountPaidMinor: { old: "0", new: "500" }, memo: 'a, "quoted" memo' });
    expect(body.find((r) => r[7] === "inv_4")![4]).toBe("'=cmd|' /C calc'!A0");

    const pushes = parseCsv(await readAll(auditCsvStream(workspaceId, { action: "sync.push" }, null, 4))).slice(1);
    expect(pushes).toHaveLength(11);
    expect(pushes.every((r) => r[5] === "sync.push.record_payment")).toBe(true);
    expect(parseCsv(await readAll(auditCsvStream(workspaceId, { subjectId: "inv_0" }))).slice(1)).toHaveLength(1);
  });

  it("hands out a batch per read, and stops when the reader cancels", async () => {
    const owner = await makePerson("csv-pull");
    for (let i = 0; i < 9; i++) await write({ workspaceId: owner.workspace.id, actor: { type: "SYSTEM", label: "Sync engine" }, action: "sync.pull", subjectType: "connection" });
    const reader = auditCsvStream(owner.workspace.id, {}, null, 3).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe(CSV_HEADER);
    const chunk = decoder.decode((await reader.read()).value);
    expect(chunk.split("\r\n").filter(Boolean)).toHaveLength(3);
    await reader.cancel();
    const done = await reader.read();
    expect(done.done).toBe(true);
  });

  it("records who exported, and exports the trail as it stood at that moment", async () => {
    const owner = await makePerson("csv-export");
    const ctx = contextOf(owner);
    await write({ workspaceId: owner.workspace.id, actor: ctx.actor, action: "workspace.renamed", subjectType: "workspace", subjectId: owner.workspace.id });
    const { filename, stream } = await exportAudit(ctx, { action: "workspace" });
    expect(filename).toMatch(new RegExp(`^concord-audit-${owner.workspace.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
    // Written after the export began: not in the file.
    await write({ workspaceId: owner.workspace.id, actor: ctx.actor, action: "workspace.renamed", subjectType: "workspace", subjectId: owner.workspace.id });
    const rows = parseCsv(await readAll(stream)).slice(1);
    expect(rows.map((r) => r[5])).toEqual(["workspace.renamed"]);
    const recorded = await db().auditEntry.findFirstOrThrow({ where: { workspaceId: owner.workspace.id, action: "audit.exported" } });
    expect(recorded).toMatchObject({ actorType: "USER", actorId: owner.id, changes: { filters: { action: "workspace" } } });
    await expect(exportAudit(contextOf(owner, "VIEWER"), {})).rejects.toMatchObject({ code: "forbidden" });
  });
});
