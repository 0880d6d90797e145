/** The timeline queries: keyset pages, filters, search, live changes, and workspace scoping. */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db";
import { contextOf, makePerson, type Person } from "../../test/factories";
import { canonicalInvoice, type InvoiceSnapshot, type ProviderName } from "../sync/canonical";
import { writeInvoices } from "../sync/link/recompute";
import { ApiError } from "../http/errors";
import { invoiceListQuery } from "./schemas";
import { changedSince, countInvoices, listInvoices } from "./timeline";
import { getInvoice } from "./detail";

let owner: Person;
let other: Person;
const N = 130;

function snapshot(i: number): InvoiceSnapshot {
  return {
    externalId: `ext-${i}`,
    updatedAt: "2026-05-01T00:00:00.000Z",
    deleted: false,
    number: `INV-${String(i).padStart(5, "0")}`,
    customerExternalId: null,
    currency: i % 3 === 0 ? "EUR" : "USD",
    totalMinor: String(1000 + i),
    amountPaidMinor: i % 4 === 0 ? String(1000 + i) : "0",
    amountDueMinor: i % 4 === 0 ? "0" : String(1000 + i),
    status: i % 4 === 0 ? "PAID" : "OPEN",
    // Several invoices share each date, so ties are broken by id.
    issueDate: `2026-0${1 + (i % 6)}-${String(1 + (i % 5)).padStart(2, "0")}`,
    dueDate: null,
    paidDate: null,
    memo: null,
    lines: [],
  };
}

async function seed(person: Person, count: number): Promise<void> {
  const connection = await db().connection.create({ data: { workspaceId: person.workspace.id, provider: "STRIPE", externalAccountId: `acct_${randomUUID()}`, displayName: "Stripe" } });
  const providers: ProviderName[] = ["STRIPE", "XERO"];
  const items = Array.from({ length: count }, (_, i) => {
    const records = providers.slice(0, i % 2 === 0 ? 2 : 1).map((provider, k) => ({
      recordId: `r-${i}-${k}`,
      connectionId: `${connection.id}-${provider}`,
      provider,
      // Every seventh invoice disagrees: Xero shows another total.
      snapshot: k === 1 && i % 7 === 0 ? { ...snapshot(i), totalMinor: "1" } : snapshot(i),
      customerId: null,
      customerName: i % 10 === 0 ? "Société Générale S.A." : `Customer ${i % 5}`,
    }));
    return { id: randomUUID(), value: canonicalInvoice(records) };
  });
  await db().$transaction((tx) => writeInvoices(tx, person.workspace.id, items, "insert"));
}

const query = (q: Record<string, string>) => invoiceListQuery.parse(q);

beforeAll(async () => {
  owner = await makePerson("timeline");
  other = await makePerson("timeline-other");
  await seed(owner, N);
  await seed(other, 20);
});

describe("the timeline", () => {
  it("pages by cursor through every invoice once, newest issue date first, ids breaking ties", async () => {
    const ctx = contextOf(owner);
    const seen: { id: string; issueDate: string | null }[] = [];
    let cursor: string | undefined;
    do {
      const page = await listInvoices(ctx, query({ limit: "25", ...(cursor ? { cursor } : {}) }));
      seen.push(...page.data.map((i) => ({ id: i.id, issueDate: i.issueDate })));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(N);
    expect(new Set(seen.map((s) => s.id)).size).toBe(N);
    const sorted = [...seen].sort((a, b) => (a.issueDate! < b.issueDate! ? 1 : a.issueDate! > b.issueDate! ? -1 : a.id < b.id ? 1 : -1));
    expect(seen).toEqual(sorted);
  });

  it("never shows another workspace's invoices", async () => {
    const mine = await listInvoices(contextOf(other), query({ limit: "200" }));
    expect(mine.data).toHaveLength(20);
    const theirs = new Set((await listInvoices(contextOf(owner), query({ limit: "200" }))).data.map((i) => i.id));
    expect(mine.data.some((i) => theirs.has(i.id))).toBe(false);
    await expect(getInvoice(contextOf(other), [...theirs][0]!)).rejects.toMatchObject({ code: "not_found" });
  });

  it("filters by status, system, disagreement and date range, and counts what matches", async () => {
    const ctx = contextOf(owner);
    const paid = await listInvoices(ctx, query({ status: "PAID", limit: "200" }));
    expect(paid.data.length).toBe(Math.ceil(N / 4));
    expect(paid.data.every((i) => i.status === "PAID")).toBe(true);
    const inXero = await listInvoices(ctx, query({ system: "xero", limit: "200" }));
    expect(inXero.data.length).toBe(N / 2);
    expect(inXero.data.every((i) => i.systems.some((s) => s.system === "xero"))).toBe(true);
    const disagreeing = await listInvoices(ctx, query({ disagreement: "true", limit: "200" }));
    expect(disagreeing.data.length).toBe(Array.from({ length: N }, (_, i) => i).filter((i) => i % 2 === 0 && i % 7 === 0).length);
    expect(disagreeing.data.every((i) => i.disagreement)).toBe(true);
    const march = await listInvoices(ctx, query({ from: "2026-03-01", to: "2026-03-31", limit: "200" }));
    expect(march.data.length).toBeGreaterThan(0);
    expect(march.data.every((i) => i.issueDate!.startsWith("2026-03"))).toBe(true);
    expect(await countInvoices(ctx, query({ system: "xero" }))).toEqual({ total: N / 2, disagreeing: disagreeing.data.length });
  });

  it("searches by number however it is written, and by customer name", async () => {
    const ctx = contextOf(owner);
    for (const q of ["INV-00042", "42", "#0042", "inv 42"]) {
      const found = await listInvoices(ctx, query({ q }));
      expect(found.data.map((i) => i.number)).toContain("INV-00042");
    }
    const byName = await listInvoices(ctx, query({ q: "societe generale", limit: "200" }));
    expect(byName.data.length).toBe(N / 10);
    expect(byName.data.every((i) => i.customer.name === "Société Générale S.A.")).toBe(true);
    expect((await listInvoices(ctx, query({ q: "no such customer" }))).data).toEqual([]);
  });

  it("refuses bad input with a clear error", () => {
    expect(invoiceListQuery.safeParse({ status: "PAYED" }).success).toBe(false);
    expect(invoiceListQuery.safeParse({ from: "2026-02-30" }).success).toBe(false);
    expect(invoiceListQuery.safeParse({ from: "2026-03-01", to: "2026-02-01" }).success).toBe(false);
    expect(invoiceListQuery.safeParse({ limit: "1000" }).success).toBe(false);
    expect(invoiceListQuery.safeParse({ page: "2" }).success).toBe(false);
    return expect(listInvoices(contextOf(owner), query({ cursor: "not-a-cursor" }))).rejects.toBeInstanceOf(ApiError);
  });

  it("tells what changed since a moment, for live updates", async () => {
    const ctx = contextOf(owner);
    const before = new Date(Date.now() - 1000);
    const target = (await listInvoices(ctx, query({ limit: "1" }))).data[0]!;
    await db().invoice.update({ where: { id: target.id }, data: { status: "VOID", version: { increment: 1 } } });
    const changes = await changedSince(ctx, before);
    expect(changes.data.map((i) => i.id)).toContain(target.id);
    expect(changes.data.find((i) => i.id === target.id)).toMatchObject({ status: "VOID", version: target.version + 1 });
    expect((await changedSince(ctx, new Date(Date.now() + 60_000))).data).toEqual([]);
  });

  it("pages through changes that share one timestamp (a batch) without skipping or repeating any", async () => {
    const ctx = contextOf(owner);
    const stamp = new Date(Date.now() + 5_000);
    await db().invoice.updateMany({ where: { workspaceId: owner.workspace.id }, data: { updatedAt: stamp } });
    const seen: string[] = [];
    let point = { since: new Date(stamp.getTime() - 1), after: null as string | null };
    for (;;) {
      const page = await changedSince(ctx, point.since, point.after, 40);
      seen.push(...page.data.map((i) => i.id));
      if (!page.more) break;
      point = { since: new Date(page.until), after: page.untilId };
    }
    expect(seen).toHaveLength(N);
    expect(new Set(seen).size).toBe(N);
  });
});
