/**
 * The timeline and the invoice page in a real browser, on the demo workspace: invoices pulled from
 * the four sandboxes at start, linked across systems, some deliberately inconsistent.
 */
import { expect, test, type Page } from "@playwright/test";
import { db } from "../lib/db";
import type { ExternalInvoice } from "../lib/connectors/types";
import { upsertRecords } from "../lib/sync/records";
import { ingestRecords } from "../lib/sync/link";
import { signInThroughForm } from "./support/session";

const DEMO_EMAIL = "demo@example.com";

async function openTimeline(page: Page, query = ""): Promise<void> {
  await signInThroughForm(page, DEMO_EMAIL, process.env.DEMO_PASSWORD!);
  if (query) await page.goto(`/w/demo/invoices?${query}`);
  await expect(page.getByTestId("invoice-row").first()).toBeVisible({ timeout: 20_000 });
}

const demoWorkspace = () => db().workspace.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });

test("the timeline lists every invoice with a chip per system, rendering only the rows in view", async ({ page }) => {
  const { id: workspaceId } = await demoWorkspace();
  const total = await db().invoice.count({ where: { workspaceId } });
  expect(total).toBeGreaterThan(200);
  await openTimeline(page);
  await expect(page.getByTestId("timeline-count")).toContainText(`${total.toLocaleString("en-US")} invoices`);
  // Virtualized: far fewer rows in the DOM than invoices.
  const rendered = await page.getByTestId("invoice-row").count();
  expect(rendered).toBeGreaterThan(5);
  expect(rendered).toBeLessThan(100);
  // An invoice held by all four systems shows four chips.
  const full = await db().invoice.findFirstOrThrow({ where: { workspaceId, providers: { hasEvery: ["STRIPE", "QUICKBOOKS", "XERO", "HUBSPOT"] } }, select: { number: true } });
  await page.getByRole("searchbox").fill(full.number!);
  const row = page.getByTestId("invoice-row").filter({ hasText: full.number! }).first();
  for (const system of ["stripe", "quickbooks", "xero", "hubspot"]) await expect(row.getByTestId(`chip-${system}`)).toBeVisible();
  await expect(page).toHaveURL(/q=/);
});

test("filters: disagreements only, status and system, kept in the URL", async ({ page }) => {
  const { id: workspaceId } = await demoWorkspace();
  const disagreeing = await db().invoice.count({ where: { workspaceId, disagreement: true } });
  expect(disagreeing).toBeGreaterThan(0);
  await openTimeline(page);
  await page.getByLabel("Disagreements only").check();
  await expect(page).toHaveURL(/disagreement=true/);
  await expect(page.getByTestId("timeline-count")).toContainText(`${disagreeing} invoices, ${disagreeing} with disagreements`);
  const rows = page.getByTestId("invoice-row");
  const shown = Math.min(await rows.count(), 5);
  for (let i = 0; i < shown; i++) await expect(rows.nth(i).getByTestId("disagreement")).toBeVisible();

  await page.getByLabel("Disagreements only").uncheck();
  await page.getByLabel("Status", { exact: true }).selectOption("PAID");
  const paid = await db().invoice.count({ where: { workspaceId, status: "PAID" } });
  await expect(page.getByTestId("timeline-count")).toContainText(`${paid.toLocaleString("en-US")} invoices`);
  await page.getByLabel("System", { exact: true }).selectOption("hubspot");
  const paidInHubspot = await db().invoice.count({ where: { workspaceId, status: "PAID", providers: { has: "HUBSPOT" } } });
  await expect(page.getByTestId("timeline-count")).toContainText(`${paidInHubspot.toLocaleString("en-US")} invoices`);
  // The filtered view survives a reload: it lives in the URL.
  await page.reload();
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("PAID");
  await expect(page.getByTestId("timeline-count")).toContainText(`${paidInHubspot.toLocaleString("en-US")} invoices`);
});

test("the invoice page shows each system side by side with the differences marked, and its history", async ({ page }) => {
  const { id: workspaceId } = await demoWorkspace();
  const invoice = await db().invoice.findFirstOrThrow({ where: { workspaceId, disagreement: true, providers: { has: "XERO" } }, select: { id: true, number: true } });
  await openTimeline(page, "disagreement=true");
  // Keyboard: j moves to the next row, Enter opens it.
  await page.getByTestId("timeline").focus();
  await page.keyboard.press("j");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/w\/demo\/invoices\/[^/?]+$/);

  await page.goto(`/w/demo/invoices/${invoice.id}`);
  await expect(page.getByTestId("invoice-number")).toContainText(invoice.number ?? "without a number");
  await expect(page.getByTestId("invoice-disagreement")).toBeVisible();
  const table = page.getByTestId("side-by-side");
  await expect(table.getByRole("columnheader", { name: /Concord/ })).toBeVisible();
  for (const label of ["Stripe", "QuickBooks", "Xero"]) await expect(table.getByRole("columnheader", { name: new RegExp(label) })).toBeVisible();
  expect(await table.locator("[data-differs]").count()).toBeGreaterThan(0);
  await expect(page.getByTestId("invoice-history").getByRole("listitem").first()).toBeVisible();
});

test("a change pulled from a system appears on the open timeline without a reload", async ({ page }) => {
  const { id: workspaceId } = await demoWorkspace();
  const invoice = await db().invoice.findFirstOrThrow({
    where: { workspaceId, status: "OPEN", disagreement: false, providers: { hasEvery: ["STRIPE", "QUICKBOOKS"] } },
    select: { id: true, number: true },
    orderBy: { issueDate: "desc" },
  });
  const record = await db().externalRecord.findFirstOrThrow({ where: { invoiceId: invoice.id, connection: { provider: "STRIPE" } }, select: { connectionId: true, snapshot: true } });
  await openTimeline(page);
  await page.getByRole("searchbox").fill(invoice.number!);
  const chip = page.getByTestId("invoice-row").filter({ hasText: invoice.number! }).first().getByTestId("chip-stripe");
  await expect(chip).toHaveAttribute("data-status", "OPEN");

  // Stripe reports it paid (a newer version of the record), as a pull would store it.
  const s = record.snapshot as unknown as Record<string, string>;
  const paid: ExternalInvoice = {
    ...(record.snapshot as unknown as ExternalInvoice),
    version: "999999999999.9",
    updatedAt: new Date(),
    raw: {},
    status: "PAID",
    totalMinor: BigInt(s.totalMinor!),
    amountPaidMinor: BigInt(s.totalMinor!),
    amountDueMinor: 0n,
    lines: [],
  };
  const stored = await upsertRecords({ workspaceId, connectionId: record.connectionId }, [{ entity: "invoice", record: paid }]);
  await ingestRecords(workspaceId, stored.changedIds);
  await expect(chip).toHaveAttribute("data-status", "PAID", { timeout: 10_000 });
  await expect(page.getByTestId("invoice-row").filter({ hasText: invoice.number! }).first().getByTestId("disagreement")).toBeVisible();
});
