/**
 * The audit trail in a real browser: browse and filter (kept in the URL), open an entry's
 * before/after, follow its run, export the filtered set as CSV, and "Verify integrity" before and
 * after a row is tampered with in the database.
 */
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { db } from "../lib/db";
import { recordAudit, type AuditInput } from "../lib/audit/record";
import { makeApiKey, makePerson, makeTeam } from "../test/factories";
import { signInThroughForm } from "./support/session";

const write = (input: AuditInput) => db().$transaction((tx) => recordAudit(tx, input));

/** A sync run of three entries (pull, then two pushes about invoices), plus a person's change. */
async function seedRun(workspaceId: string, person: { id: string; email: string }) {
  const run = `run_${randomBytes(5).toString("hex")}`;
  const system = { type: "SYSTEM" as const, id: run, label: "Stripe sync" };
  await write({ workspaceId, actor: system, action: "sync.pull", subjectType: "connection", subjectId: "conn_e2e", connectionId: "conn_e2e", correlationId: run, changes: { processed: 2 } });
  await write({ workspaceId, actor: system, action: "sync.push.record_payment", subjectType: "invoice", subjectId: "inv_e2e_1", connectionId: "conn_e2e", correlationId: run, changes: { amountPaidMinor: { old: "0", new: "125000" } } });
  await write({ workspaceId, actor: system, action: "sync.push.void_invoice", subjectType: "invoice", subjectId: "inv_e2e_2", connectionId: "conn_e2e", correlationId: run, changes: { status: { old: "OPEN", new: "VOID" } } });
  await write({ workspaceId, actor: { type: "USER", id: person.id, label: person.email }, action: "sync_rules.changed", subjectType: "workspace", subjectId: workspaceId, changes: { payments: { old: "STRIPE", new: "XERO" } } });
  return run;
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) cell += c;
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
  return rows;
}

test("browse, filter, open the before/after, follow a run, and export the filtered set as CSV", async ({ page, request }) => {
  const { workspace, people } = await makeTeam();
  const run = await seedRun(workspace.id, people.OWNER);
  const total = await db().auditEntry.count({ where: { workspaceId: workspace.id } });
  await signInThroughForm(page, people.MEMBER.email, people.MEMBER.password);
  await page.goto(`/w/${workspace.slug}/audit`);
  const rows = page.getByTestId("audit-row");
  await expect(rows).toHaveCount(total);
  await expect(rows.first()).toHaveAttribute("data-action", "sync_rules.changed");

  // Filters go into the URL and narrow the list.
  await page.getByLabel("Actor type").selectOption("SYSTEM");
  await expect(page).toHaveURL(/actorType=SYSTEM/);
  await expect(rows).toHaveCount(3);
  await page.getByLabel("Action").fill("sync.push");
  await expect(page).toHaveURL(/action=sync\.push/);
  await expect(rows).toHaveCount(2);
  await page.reload();
  await expect(page.getByLabel("Action")).toHaveValue("sync.push");
  await expect(rows).toHaveCount(2);

  // An entry about an invoice links to it; its details show the before/after.
  const payment = page.locator('[data-testid="audit-row"][data-action="sync.push.record_payment"]');
  await expect(payment.getByTestId("audit-invoice-link")).toHaveAttribute("href", `/w/${workspace.slug}/invoices/inv_e2e_1`);
  const toggle = payment.getByRole("button", { name: /Details/ });
  await toggle.focus();
  await page.keyboard.press("Enter");
  await expect(toggle).toHaveAttribute("aria-expanded", "true");
  const details = page.getByTestId("audit-details");
  await expect(details.getByRole("rowheader", { name: "amountPaidMinor" })).toBeVisible();
  await expect(details.getByRole("cell", { name: "125000" })).toBeVisible();
  await expect(details).toContainText(run);

  // Search reaches into the recorded values.
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByRole("searchbox").fill("VOID");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-action", "sync.push.void_invoice");

  // "The run": every entry sharing the correlation id.
  await rows.first().getByTestId("audit-run-link").click();
  await expect(page).toHaveURL(new RegExp(`correlationId=${run}`));
  await expect(page).not.toHaveURL(/q=VOID/);
  await expect(rows).toHaveCount(3);

  // Export: the file holds exactly the filtered entries.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("audit-export").click()]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^concord-audit-${workspace.slug}-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const csv = parseCsv(readFileSync((await download.path())!, "utf8"));
  expect(csv[0]!.slice(0, 6)).toEqual(["id", "at", "actor_type", "actor_id", "actor", "action"]);
  const expected = await db().auditEntry.findMany({ where: { workspaceId: workspace.id, correlationId: run }, orderBy: { id: "desc" } });
  expect(csv.slice(1).map((r) => r[0])).toEqual(expected.map((e) => e.id.toString()));
  expect(csv.slice(1).map((r) => r[5])).toEqual(["sync.push.void_invoice", "sync.push.record_payment", "sync.pull"]);
  // The export itself is on the record.
  expect(await db().auditEntry.count({ where: { workspaceId: workspace.id, action: "audit.exported", actorId: people.MEMBER.id } })).toBe(1);

  // The same through the API, by cursor; a viewer's key may not read the trail.
  const key = await makeApiKey(people.OWNER, "ADMIN");
  const first = await request.get(`/api/v1/audit?correlationId=${run}&limit=2`, { headers: { authorization: `Bearer ${key}` } });
  expect(first.status()).toBe(200);
  const page1 = await first.json();
  const page2 = await (await request.get(`/api/v1/audit?correlationId=${run}&limit=2&cursor=${page1.nextCursor}`, { headers: { authorization: `Bearer ${key}` } })).json();
  expect([...page1.data, ...page2.data].map((e: { id: string }) => e.id)).toEqual(expected.map((e) => e.id.toString()));
  expect(page2.nextCursor).toBeNull();
  const viewerKey = await makeApiKey(people.OWNER, "VIEWER");
  expect((await request.get("/api/v1/audit", { headers: { authorization: `Bearer ${viewerKey}` } })).status()).toBe(403);
  expect((await request.get("/api/v1/audit?nope=1", { headers: { authorization: `Bearer ${key}` } })).status()).toBe(400);
});

test("Verify integrity says intact, then reports the first broken link after a row is tampered with", async ({ page }) => {
  const owner = await makePerson("audit-verify");
  await seedRun(owner.workspace.id, owner);
  await signInThroughForm(page, owner.email, owner.password);
  await page.goto(`/w/${owner.workspace.slug}/audit`);
  await expect(page.getByTestId("audit-row").first()).toBeVisible();

  const verify = page.getByRole("button", { name: "Verify integrity" });
  await verify.click();
  const result = page.getByTestId("verify-result");
  await expect(result).toHaveAttribute("data-intact", "true");
  await expect(result).toContainText("Intact");
  // The check is itself an entry.
  await expect(page.locator('[data-action="audit.verified"]')).toHaveCount(1);

  // Someone with the database's keys changes the second entry, trigger off for the moment.
  const target = (await db().auditEntry.findMany({ where: { workspaceId: owner.workspace.id }, orderBy: { id: "asc" }, take: 2 }))[1]!;
  await db().$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" DISABLE TRIGGER "AuditEntry_append_only"`);
    await tx.$executeRaw`UPDATE "AuditEntry" SET "changes" = '{"amountPaidMinor":{"old":"0","new":"1"}}' WHERE "id" = ${target.id}`;
    await tx.$executeRawUnsafe(`ALTER TABLE "AuditEntry" ENABLE TRIGGER "AuditEntry_append_only"`);
  });

  await verify.click();
  await expect(result).toHaveAttribute("data-intact", "false");
  await expect(result).toContainText("Broken");
  await expect(page.getByTestId("verify-first-broken")).toContainText(`entry #${target.id}`);
  await expect(page.getByTestId("verify-first-broken")).toContainText("content does not match its hash");
  await expect(page.locator('[data-action="audit.verified"]')).toHaveCount(2);
});
