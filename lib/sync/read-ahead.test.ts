import { describe, expect, it } from "vitest";
import type { Page } from "../connectors/types";
import { readAhead } from "./read-ahead";

/** A list of `pages` pages of 2 items; records which cursors were fetched and when. */
function pagedList(pages: number, failAt?: number) {
  const fetched: (string | null)[] = [];
  const fetchPage = async (cursor: string | null): Promise<Page<number>> => {
    fetched.push(cursor);
    await new Promise((r) => setTimeout(r, 1));
    const index = cursor === null ? 0 : Number(cursor);
    if (index === failAt) throw new Error(`page ${index} failed`);
    return { items: [index * 2, index * 2 + 1], next: index + 1 < pages ? String(index + 1) : null };
  };
  return { fetched, fetchPage };
}

describe("reading pages ahead", () => {
  it("yields every page once, in order", async () => {
    const { fetchPage } = pagedList(7);
    const items: number[] = [];
    for await (const page of readAhead(fetchPage, 3)) items.push(...page.items);
    expect(items).toEqual(Array.from({ length: 14 }, (_, i) => i));
  });

  it("reads ahead while the consumer works, but never more than `depth` pages", async () => {
    const { fetchPage, fetched } = pagedList(20);
    const pages = readAhead(fetchPage, 3);
    await pages.next();
    await new Promise((r) => setTimeout(r, 30));
    // One taken, three waiting, and the fourth may be in flight.
    expect(fetched.length).toBeGreaterThanOrEqual(4);
    expect(fetched.length).toBeLessThanOrEqual(5);
    await pages.return(undefined);
  });

  it("surfaces a failed fetch where its page would have been taken", async () => {
    const { fetchPage } = pagedList(5, 3);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(fetchPage, 2)) seen.push(...page.items);
      })(),
    ).rejects.toThrow("page 3 failed");
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it("stops reading when the consumer stops", async () => {
    const { fetchPage, fetched } = pagedList(50);
    for await (const page of readAhead(fetchPage, 2)) if (page.items[0] === 2) break;
    await new Promise((r) => setTimeout(r, 30));
    expect(fetched.length).toBeLessThanOrEqual(5);
  });
});
