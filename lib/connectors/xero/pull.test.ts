/**
 * The incremental pull's keyset paging on an in-memory collection that answers like Xero
 * (If-Modified-Since strictly after, ordered by UpdatedDateUTC, numbered pages), including
 * records edited while the pull is under way.
 */
import { describe, expect, it } from "vitest";
import type { XeroApi } from "./api";
import { type Collection, pull } from "./client";

type Rec = { id: string; updated: number };

function collection(records: Rec[], onFetch: (request: number) => void = () => {}): Collection<Rec, Rec> & { requests: number } {
  const spec = {
    requests: 0,
    name: "Test",
    fetch: async (_api: XeroApi, q: { since?: Date; page: number; pageSize: number }) => {
      onFetch(spec.requests++);
      const since = q.since?.getTime() ?? -Infinity;
      const matching = records.filter((r) => r.updated > since).sort((a, b) => a.updated - b.updated || a.id.localeCompare(b.id));
      return matching.slice((q.page - 1) * q.pageSize, q.page * q.pageSize).map((r) => ({ ...r }));
    },
    id: (r: Rec) => r.id,
    updatedMs: (r: Rec) => r.updated,
    keep: () => true,
    map: (r: Rec) => r,
    stableOrder: "id",
  };
  return spec;
}

const api = {} as XeroApi;
const recs = (n: number, at: (i: number) => number) => Array.from({ length: n }, (_, i) => ({ id: `r${String(i).padStart(2, "0")}`, updated: at(i) }));

describe("pull", () => {
  it("reads everything after the cursor and ends at the newest change", async () => {
    const records = recs(12, (i) => 1_000 + i * 10);
    const result = await pull(api, collection(records), 1_000, { pageSize: 5, maxRequests: 10 });
    expect(result.complete).toBe(true);
    expect(result.records.map((r) => r.id).sort()).toEqual(records.slice(1).map((r) => r.id));
    expect(result.position).toBe(1_110);
  });

  it("does not lose a record when another is edited between two pages", async () => {
    const records = recs(10, (i) => 1_000 + i * 10);
    // After the first page, r00 (already read) is edited: with page numbers, r05 would slip past.
    const spec = collection(records, (request) => {
      if (request === 1) records[0]!.updated = 5_000;
    });
    const result = await pull(api, spec, 0, { pageSize: 5, maxRequests: 10 });
    expect(result.records.map((r) => r.id).sort()).toEqual(records.map((r) => r.id).sort());
    expect(result.records.find((r) => r.id === "r00")!.updated).toBe(5_000);
    expect(result.position).toBe(5_000);
  });

  it("stops at its budget with a position to resume from, and never stops inside one millisecond", async () => {
    const records = [...recs(7, () => 2_000), ...recs(3, (i) => 3_000 + i).map((r) => ({ ...r, id: `s${r.id}` }))];
    const first = await pull(api, collection(records), 0, { pageSize: 3, maxRequests: 1 });
    expect(first.complete).toBe(false);
    expect(first.position).toBe(1_999);
    const spec = collection(records);
    const second = await pull(api, spec, first.position, { pageSize: 3, maxRequests: 1 });
    // Seven records share 2,000 ms: the pull reads all three pages of them before it may stop.
    expect(spec.requests).toBeGreaterThanOrEqual(3);
    const third = await pull(api, collection(records), second.position, { pageSize: 3, maxRequests: 5 });
    const seen = new Set([...first.records, ...second.records, ...third.records].map((r) => r.id));
    expect([...seen].sort()).toEqual(records.map((r) => r.id).sort());
    expect(third).toMatchObject({ complete: true, position: 3_002 });
  });
});
