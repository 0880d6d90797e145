import { describe, expect, it } from "vitest";
import { db } from "../db";
import { makePerson } from "../../test/factories";
import { canonicalJson, entryHash, recordAudit } from "./record";

describe("audit trail", () => {
  it("hashes canonical JSON, whatever the key order", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":2,"f":1}]},"b":1}');
    expect(entryHash("p", { x: 1, y: 2 })).toBe(entryHash("p", { y: 2, x: 1 }));
    expect(entryHash("p", { x: 1 })).not.toBe(entryHash("q", { x: 1 }));
  });

  it("chains each workspace's entries, also when written concurrently", async () => {
    const person = await makePerson("auditor");
    const actor = { type: "USER" as const, id: person.id, label: person.email };
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        db().$transaction((tx) => recordAudit(tx, { workspaceId: person.workspace.id, actor, action: "test.write", subjectType: "test", subjectId: String(i) })),
      ),
    );
    const entries = await db().auditEntry.findMany({ where: { workspaceId: person.workspace.id }, orderBy: { id: "asc" } });
    expect(entries).toHaveLength(8);
    expect(entries[0]!.prevHash).toBeNull();
    for (let i = 1; i < entries.length; i++) expect(entries[i]!.prevHash).toBe(entries[i - 1]!.hash);
  });
});
