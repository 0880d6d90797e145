/**
 * The timeline: canonical invoices of the caller's workspace, newest issue date first, filtered and
 * searched, a page at a time by keyset (the cursor is the last row's issue date and id), so page
 * 2,000 costs what page 1 does.
 */
import { db } from "../db";
import type { Prisma } from "../db/generated/client";
import { assertCan, type WorkspaceContext } from "../authz/context";
import { ApiError } from "../http/errors";
import { normalizeInvoiceNumber, normalizeName } from "../normalize/customer";
import type { Chip } from "../sync/canonical";
import type { InvoiceListQuery, InvoicePage, InvoiceSummary } from "./schemas";

export const SUMMARY_SELECT = {
  id: true,
  number: true,
  customerId: true,
  customerName: true,
  currency: true,
  totalMinor: true,
  amountPaidMinor: true,
  amountDueMinor: true,
  status: true,
  issueDate: true,
  dueDate: true,
  disagreement: true,
  systems: true,
  version: true,
  updatedAt: true,
} satisfies Prisma.InvoiceSelect;

type SummaryRow = Prisma.InvoiceGetPayload<{ select: typeof SUMMARY_SELECT }>;

const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);

export function toSummary(row: SummaryRow): InvoiceSummary {
  return {
    id: row.id,
    number: row.number,
    customer: { id: row.customerId, name: row.customerName },
    currency: row.currency,
    totalMinor: row.totalMinor.toString(),
    amountPaidMinor: row.amountPaidMinor.toString(),
    amountDueMinor: row.amountDueMinor.toString(),
    status: row.status,
    issueDate: day(row.issueDate),
    dueDate: day(row.dueDate),
    disagreement: row.disagreement,
    systems: (row.systems as Chip[]).map(({ provider, ...chip }) => ({ ...chip, system: provider.toLowerCase() as InvoiceSummary["systems"][number]["system"] })),
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function encodeCursor(row: { issueDate: Date | null; id: string }): string {
  return Buffer.from(`${day(row.issueDate) ?? ""}|${row.id}`).toString("base64url");
}

function decodeCursor(cursor: string): { issueDate: Date; id: string } {
  const [date, id] = Buffer.from(cursor, "base64url").toString().split("|");
  if (!date || !id || !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new ApiError("bad_request", "This cursor is not valid; start again without it.");
  return { issueDate: new Date(`${date}T00:00:00Z`), id };
}

/** The filters of a query as a Prisma where clause, always inside the caller's workspace. */
export function timelineWhere(workspaceId: string, query: Omit<InvoiceListQuery, "cursor" | "limit">): Prisma.InvoiceWhereInput {
  const and: Prisma.InvoiceWhereInput[] = [{ workspaceId }];
  if (query.status) and.push({ status: { in: query.status } });
  if (query.system) and.push({ providers: { has: query.system.toUpperCase() as "STRIPE" } });
  if (query.disagreement !== undefined) and.push({ disagreement: query.disagreement });
  if (query.customer) and.push({ customerId: query.customer });
  if (query.from) and.push({ issueDate: { gte: new Date(`${query.from}T00:00:00Z`) } });
  if (query.to) and.push({ issueDate: { lte: new Date(`${query.to}T00:00:00Z`) } });
  if (query.q) {
    const number = normalizeInvoiceNumber(query.q);
    const name = normalizeName(query.q);
    const either: Prisma.InvoiceWhereInput[] = [];
    if (number) either.push({ normalizedNumber: { startsWith: number } });
    if (name) either.push({ searchText: { contains: name } });
    and.push(either.length ? { OR: either } : { id: "" });
  }
  return { AND: and };
}

export async function listInvoices(ctx: WorkspaceContext, query: InvoiceListQuery): Promise<InvoicePage> {
  assertCan(ctx, "workspace:view");
  const where = timelineWhere(ctx.workspace.id, query);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    (where.AND as Prisma.InvoiceWhereInput[]).push({ OR: [{ issueDate: { lt: after.issueDate } }, { issueDate: after.issueDate, id: { lt: after.id } }] });
  }
  const rows = await db().invoice.findMany({ where, orderBy: [{ issueDate: "desc" }, { id: "desc" }], take: query.limit + 1, select: SUMMARY_SELECT });
  const page = rows.slice(0, query.limit);
  return { data: page.map(toSummary), nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
}

/**
 * Invoices changed after a point (oldest change first), for live updates of an open timeline. The
 * point is (time, id): a batch writes many invoices with one timestamp, so a page can end inside
 * it and the next call carries on from the exact row. `more` says another page waits.
 */
export async function changedSince(ctx: WorkspaceContext, since: Date, afterId: string | null = null, limit = 200): Promise<{ data: InvoiceSummary[]; until: string; untilId: string | null; more: boolean }> {
  assertCan(ctx, "workspace:view");
  const rows = await db().invoice.findMany({
    where: { workspaceId: ctx.workspace.id, OR: [{ updatedAt: { gt: since } }, ...(afterId ? [{ updatedAt: since, id: { gt: afterId } }] : [])] },
    orderBy: [{ updatedAt: "asc" }, { id: "asc" }],
    take: limit,
    select: SUMMARY_SELECT,
  });
  const last = rows[rows.length - 1];
  return { data: rows.map(toSummary), until: (last?.updatedAt ?? since).toISOString(), untilId: last?.id ?? afterId, more: rows.length === limit };
}

/** How many invoices match the filters (for the header), and how many of them disagree. */
export async function countInvoices(ctx: WorkspaceContext, query: Omit<InvoiceListQuery, "cursor" | "limit">): Promise<{ total: number; disagreeing: number }> {
  assertCan(ctx, "workspace:view");
  const where = timelineWhere(ctx.workspace.id, query);
  const [total, disagreeing] = await Promise.all([db().invoice.count({ where }), db().invoice.count({ where: { AND: [where, { disagreement: true }] } })]);
  return { total, disagreeing };
}
