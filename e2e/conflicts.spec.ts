/**
 * The conflict inbox in a real browser, on a workspace of its own connected to new accounts in
 * the app's four sandboxes: differences made the way people make them (an edit in Xero, a due
 * date moved in two systems, money taken in Stripe on an invoice voided in Xero, an invoice moved
 * to another currency in Xero, an invoice entered twice in QuickBooks, one only in Stripe, a
 * customer spelled another way), raised by the sync engine, decided on the page, and carried to
 * the providers by the app's sync engine, whose state is read back through their APIs. Also:
 * the keyboard, bulk, roles, two people deciding at once, and the audit trail.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Locator, type Page } from "@playwright/test";
import { db, type Provider, type Role } from "../lib/db";
import { connectWithTokens } from "../lib/connections/direct";
import { accessToken, openTokens } from "../lib/connections/tokens";
import { connectorFor } from "../lib/connectors";
import type { ProviderClient, ProviderId } from "../lib/connectors/types";
import { pullConnection } from "../lib/sync/pull";
import { reconcileInvoice } from "../lib/sync/propagate/reconcile";
import { makeTeam, type Person } from "../test/factories";
import { builtActions, callAction } from "./support/server-actions";
import { signInThroughForm } from "./support/session";

const ROOT = path.resolve(import.meta.dirname, "..");
/** The app's sandboxes (playwright.config.ts). */
const PORTS: Record<Provider, number> = { STRIPE: 4201, QUICKBOOKS: 4202, XERO: 4203, HUBSPOT: 4204 };
const PROVIDERS = Object.keys(PORTS) as Provider[];
const sandbox = (p: Provider) => `http://127.0.0.1:${PORTS[p]}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let team: { workspace: { id: string; slug: string }; people: Record<Role, Person> };
const connections = {} as Record<Provider, string>;

/** This process talks to the same sandboxes as the app, and opens the tokens the app sealed. */
function likeTheApp(): void {
  const secrets = JSON.parse(readFileSync(path.join(ROOT, ".data/e2e/secrets.json"), "utf8")) as Record<string, string>;
  process.env.CONCORD_ENCRYPTION_KEY = secrets.CONCORD_ENCRYPTION_KEY;
  process.env.CONCORD_PROVIDERS = "sandbox";
  for (const p of PROVIDERS) process.env[`SANDBOX_${p}_PORT`] = String(PORTS[p]);
}

async function control<T>(provider: Provider, route: string, body: unknown): Promise<T> {
  const response = await fetch(`${sandbox(provider)}${route}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.ok, `${provider} ${route}`).toBe(true);
  return (await response.json()) as T;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  likeTheApp();
  team = await makeTeam();
  for (const provider of PROVIDERS) {
    const account = await control<{ accountId: string; accessToken: string; refreshToken: string; expiresIn: number }>(provider, "/_sandbox/accounts", { name: `Inbox e2e ${provider}`, live: true });
    await control(provider, "/_sandbox/seed", { accountId: account.accountId, seed: "conflict-inbox-e2e", customers: 6, invoices: 100, currencies: ["USD"] });
    const { connectionId } = await connectWithTokens({
      workspaceId: team.workspace.id,
      actor: { type: "SYSTEM", label: "e2e set-up" },
      connectedById: team.people.OWNER.id,
      provider: provider.toLowerCase() as ProviderId,
      account: { externalAccountId: account.accountId, displayName: `Inbox e2e ${provider}` },
      tokens: { accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: Date.now() + account.expiresIn * 1000, scope: null },
    });
    connections[provider] = connectionId;
  }
  const pulls = await Promise.all(PROVIDERS.map((p) => pullConnection(connections[p], "BACKFILL")));
  expect(pulls.map((p) => p.error)).toEqual([null, null, null, null]);
});

async function client(provider: Provider): Promise<ProviderClient> {
  const c = await db().connection.findUniqueOrThrow({ where: { id: connections[provider] } });
  return connectorFor(provider.toLowerCase() as ProviderId).client({ accountId: c.externalAccountId, accessToken: (force) => accessToken(c.id, force), connectionKey: `${c.id}:e2e` });
}

type Chip = { provider: Provider; externalId: string; status: string; totalMinor: string };
const used = new Set<string>();

/** An open invoice every system holds open and agrees on, not used by another test. */
async function openInvoice(): Promise<{ id: string; number: string; idIn: (p: Provider) => string }> {
  const invoices = await db().invoice.findMany({ where: { workspaceId: team.workspace.id, status: "OPEN", disagreement: false }, select: { id: true, number: true, systems: true, providers: true }, orderBy: { id: "asc" } });
  const found = invoices.find((i) => i.number && i.providers.length === 4 && !used.has(i.id) && (i.systems as Chip[]).every((c) => c.status === "OPEN"));
  expect(found, "an open invoice in all four systems").toBeTruthy();
  used.add(found!.id);
  const chips = found!.systems as Chip[];
  return { id: found!.id, number: found!.number!, idIn: (p) => chips.find((c) => c.provider === p)!.externalId };
}

/**
 * Waits for the sync engine to raise a conflict of `kind` on the invoice. The app hears of the
 * change by webhook; pulling and reconciling here too only makes it quicker (both are idempotent).
 */
async function raised(invoiceId: string, kind: "AMOUNT" | "DATE" | "STATUS" | "CURRENCY" | "MISSING" | "DUPLICATE", pull: Provider[]): Promise<{ id: string; version: number }> {
  for (let attempt = 0; attempt < 40; attempt++) {
    if (attempt % 5 === 0) {
      for (const p of pull) await pullConnection(connections[p], "INCREMENTAL");
      if (kind !== "DUPLICATE") await reconcileInvoice(invoiceId).catch(() => null);
    }
    const where = kind === "DUPLICATE" ? { values: { path: ["otherInvoiceId"], equals: invoiceId } } : { invoiceId };
    const found = await db().conflict.findFirst({ where: { workspaceId: team.workspace.id, kind, status: "OPEN", ...where }, select: { id: true, version: true } });
    if (found) return found;
    await sleep(500);
  }
  throw new Error(`no ${kind} conflict was raised on ${invoiceId}`);
}

/** Xero holds another total for an open invoice: an AMOUNT conflict. */
async function amountConflict(): Promise<{ invoice: Awaited<ReturnType<typeof openInvoice>>; conflict: { id: string; version: number }; xeroTotal: bigint; before: bigint }> {
  const invoice = await openInvoice();
  const xero = await client("XERO");
  const before = (await xero.getInvoice(invoice.idIn("XERO")))!;
  const xeroTotal = before.totalMinor + 500n;
  await xero.updateInvoice(invoice.idIn("XERO"), { lines: [{ description: "Edited in Xero", quantity: "1", unitAmountMinor: xeroTotal }] }, { idempotencyKey: `e2e:amount:${invoice.id}` });
  return { invoice, conflict: await raised(invoice.id, "AMOUNT", ["XERO"]), xeroTotal, before: before.totalMinor };
}

async function signIn(page: Page, role: Role): Promise<void> {
  await signInThroughForm(page, team.people[role].email, team.people[role].password);
}

async function inbox(page: Page, query: Record<string, string>): Promise<void> {
  await page.goto(`/w/${team.workspace.slug}/conflicts?${new URLSearchParams(query)}`);
  await expect(page.getByRole("heading", { name: "Conflicts", level: 1 })).toBeVisible();
}

const card = (page: Page, conflictId: string): Locator => page.locator(`[data-testid="conflict"][data-conflict-id="${conflictId}"]`);

async function auditCount(conflictId: string, action: string): Promise<number> {
  return db().auditEntry.count({ where: { workspaceId: team.workspace.id, action, correlationId: `conflict:${conflictId}` } });
}

test("amount: j then a number key takes QuickBooks' total; the push turns Done and Xero's invoice holds it again", async ({ page }) => {
  test.setTimeout(120_000);
  const { invoice, conflict, xeroTotal, before } = await amountConflict();
  await signIn(page, "MEMBER");
  await inbox(page, { kind: "AMOUNT", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item).toBeVisible();
  await expect(page.getByTestId("kind-AMOUNT")).toHaveAttribute("aria-pressed", "true");
  // Every system's value side by side; Xero's differs, in words as well as colour.
  const xeroRow = item.locator('[data-testid="value-row"][data-system="xero"]');
  await expect(xeroRow).toHaveAttribute("data-differs", "true");
  await expect(xeroRow).toContainText("differs");
  await expect(item.locator('[data-testid="value-row"][data-system="quickbooks"]')).not.toHaveAttribute("data-differs", "true");
  await expect(item.getByTestId("conflict-reason")).toContainText("different totals");
  const systems = await item.getByTestId("value-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-system")));
  expect(systems[0]).toBe("concord");
  const key = String(systems.indexOf("quickbooks") + 1);

  await page.keyboard.press("j");
  await expect(item).toHaveAttribute("aria-current", "true");
  await expect(item).toBeFocused();
  await page.keyboard.press(key);
  await expect(page.getByTestId("inbox-toast")).toContainText("Taken from QuickBooks; the sync engine is writing it to the other systems.");
  await expect(item).toHaveAttribute("data-status", "RESOLVED");
  await expect(item.getByTestId("decided-by")).toContainText(`by ${team.people.MEMBER.email}`);
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(item.getByTestId("push-entry").filter({ hasText: "Xero: update invoice" })).toBeVisible();

  const xero = await client("XERO");
  const after = (await xero.getInvoice(invoice.idIn("XERO")))!;
  expect(after.totalMinor).not.toBe(xeroTotal);
  expect(after.totalMinor).toBe(before);
  const audit = await db().auditEntry.findFirst({ where: { workspaceId: team.workspace.id, action: "conflict.resolved", correlationId: `conflict:${conflict.id}` } });
  expect(audit).toMatchObject({ actorType: "USER", actorLabel: team.people.MEMBER.email, subjectType: "invoice", subjectId: invoice.id });
});

test("due date: an empty value is refused with the field's error, a date is written everywhere that can take it", async ({ page }) => {
  test.setTimeout(120_000);
  const invoice = await openInvoice();
  expect((await reconcileInvoice(invoice.id))!.plan.writes).toEqual([]); // a completed sync to compare with
  const [qbo, xero] = [await client("QUICKBOOKS"), await client("XERO")];
  await Promise.all([
    qbo.updateInvoice(invoice.idIn("QUICKBOOKS"), { dueDate: "2027-03-01" }, { idempotencyKey: `e2e:due-qbo:${invoice.id}` }),
    xero.updateInvoice(invoice.idIn("XERO"), { dueDate: "2027-04-01" }, { idempotencyKey: `e2e:due-xero:${invoice.id}` }),
  ]);
  const conflict = await raised(invoice.id, "DATE", ["QUICKBOOKS", "XERO"]);

  await signIn(page, "MEMBER");
  await inbox(page, { kind: "DATE", q: invoice.number });
  const item = card(page, conflict.id);
  await item.getByRole("button", { name: "Enter a value" }).click();
  const input = item.getByLabel("New due date");
  await expect(input).toHaveAttribute("type", "date");
  await input.fill("");
  await item.getByRole("button", { name: "Save value" }).click();
  await expect(item.getByTestId("field-error")).toHaveText("Enter a value.");
  await expect(input).toHaveAttribute("aria-invalid", "true");
  expect((await db().conflict.findUniqueOrThrow({ where: { id: conflict.id } })).version).toBe(conflict.version);

  await input.fill("2027-05-15");
  await item.getByRole("button", { name: "Save value" }).click();
  await expect(item.getByTestId("conflict-message")).toContainText("Set to 2027-05-15; the sync engine is writing it to the other systems.");
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(item.getByTestId("push-notes")).toContainText("Stripe cannot change the due date of an issued invoice");
  expect((await qbo.getInvoice(invoice.idIn("QUICKBOOKS")))!.dueDate).toBe("2027-05-15");
  expect((await xero.getInvoice(invoice.idIn("XERO")))!.dueDate).toBe("2027-05-15");
  expect((await (await client("HUBSPOT")).getInvoice(invoice.idIn("HUBSPOT")))!.dueDate).toBe("2027-05-15");
  expect(await auditCount(conflict.id, "conflict.resolved")).toBe(1);
});

/** What Concord shows for the invoice in one system (its chip), after pulling that system. */
async function chipIn(invoiceId: string, provider: Provider): Promise<Chip | undefined> {
  await pullConnection(connections[provider], "INCREMENTAL");
  const row = await db().invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { systems: true } });
  return (row.systems as Chip[]).find((c) => c.provider === provider);
}

test("status: paid in Stripe after Xero voided it; taking Stripe's records the payment where it can and says why not in Xero", async ({ page }) => {
  test.setTimeout(120_000);
  const invoice = await openInvoice();
  const [xero, stripe] = [await client("XERO"), await client("STRIPE")];
  await xero.voidInvoice(invoice.idIn("XERO"), { idempotencyKey: `e2e:void-xero:${invoice.id}` });
  // Concord sees the void first (a void alone takes nothing from the others: status follows the payments).
  await expect.poll(async () => (await chipIn(invoice.id, "XERO"))?.status, { timeout: 20_000 }).toBe("VOID");
  const due = (await stripe.getInvoice(invoice.idIn("STRIPE")))!;
  await stripe.recordPayment({ invoiceExternalId: due.externalId, amountMinor: due.amountDueMinor, currency: due.currency, paidOn: new Date().toISOString().slice(0, 10), reference: "e2e" }, { idempotencyKey: `e2e:pay-stripe:${invoice.id}` });
  const conflict = await raised(invoice.id, "STATUS", ["STRIPE"]);

  await signIn(page, "MEMBER");
  await inbox(page, { kind: "STATUS", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item.getByTestId("conflict-reason")).toContainText("voided on the other side");
  await expect(item.locator('[data-testid="value-row"][data-system="xero"]')).toHaveAttribute("data-differs", "true");
  await item.getByRole("button", { name: "Use Stripe's value" }).click();
  await expect(item.getByTestId("conflict-message")).toContainText("Taken from Stripe; the sync engine is writing it to the other systems.");
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(item.getByTestId("push-notes")).toContainText("Xero cannot reopen a voided invoice");

  // Read back from the providers: paid where the invoice is open, still void in Xero, nothing pushed there.
  for (const p of ["QUICKBOOKS", "HUBSPOT"] as const) expect((await (await client(p)).getInvoice(invoice.idIn(p)))!.status).toBe("PAID");
  expect((await xero.getInvoice(invoice.idIn("XERO")))!.status).toBe("VOID");
  expect(await db().auditEntry.count({ where: { subjectId: invoice.id, connectionId: connections.XERO, action: { startsWith: "sync.push" } } })).toBe(0);
  expect(await auditCount(conflict.id, "conflict.resolved")).toBe(1);
  // Decided: the engine does not raise it again.
  await reconcileInvoice(invoice.id);
  expect(await db().conflict.count({ where: { invoiceId: invoice.id, kind: "STATUS", status: "OPEN" } })).toBe(0);
});

test("currency: Xero's invoice moved to EUR; taking QuickBooks' USD keeps Concord's currency, writes nothing, and says Xero must change it", async ({ page }) => {
  test.setTimeout(120_000);
  const invoice = await openInvoice();
  const xeroConnection = await db().connection.findUniqueOrThrow({ where: { id: connections.XERO }, select: { externalAccountId: true } });
  // An edit in Xero: an approved invoice without payments may change currency there.
  const edited = await fetch(`${sandbox("XERO")}/api.xro/2.0/Invoices/${invoice.idIn("XERO")}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await accessToken(connections.XERO)}`, "xero-tenant-id": xeroConnection.externalAccountId, accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify({ Invoices: [{ InvoiceID: invoice.idIn("XERO"), CurrencyCode: "EUR" }] }),
  });
  expect(edited.status, await edited.clone().text()).toBe(200);
  const conflict = await raised(invoice.id, "CURRENCY", ["XERO"]);

  await signIn(page, "MEMBER");
  await inbox(page, { kind: "CURRENCY", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item.getByTestId("conflict-reason")).toContainText("different currencies");
  const xeroRow = item.locator('[data-testid="value-row"][data-system="xero"]');
  await expect(xeroRow).toHaveAttribute("data-differs", "true");
  await expect(xeroRow).toContainText("EUR");
  // A currency is taken from a system, never typed in.
  await expect(item.getByRole("button", { name: "Enter a value" })).toHaveCount(0);
  await item.getByRole("button", { name: "Use QuickBooks' value" }).click();
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  await expect(item.getByTestId("push-notes")).toContainText("Xero cannot change the currency of an issued invoice");

  expect((await db().invoice.findUniqueOrThrow({ where: { id: invoice.id }, select: { currency: true } })).currency).toBe("USD");
  expect((await (await client("XERO")).getInvoice(invoice.idIn("XERO")))!.currency).toBe("EUR");
  expect(await db().auditEntry.count({ where: { subjectId: invoice.id, connectionId: connections.XERO, action: { startsWith: "sync.push" } } })).toBe(0);
  expect(await auditCount(conflict.id, "conflict.resolved")).toBe(1);
});

test("ignore with a reason from the keyboard (e), then reopen", async ({ page }) => {
  test.setTimeout(90_000);
  const { invoice, conflict } = await amountConflict();
  await signIn(page, "MEMBER");
  await inbox(page, { kind: "AMOUNT", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item).toBeVisible();
  await page.keyboard.press("j");
  await page.keyboard.press("e");
  const reason = item.getByLabel("Reason for ignoring");
  await expect(reason).toBeFocused();
  // Typing in the field is typing, not shortcuts.
  await reason.press("j");
  await reason.press("Enter");
  await expect(item.getByTestId("field-error")).toHaveText("Say why, in at least 3 characters.");
  await reason.fill("Xero keeps its own delivery line");
  await reason.press("Enter");
  await expect(item).toHaveAttribute("data-status", "IGNORED");
  await expect(item.getByTestId("decided-by")).toContainText("Ignored");
  await expect(item.getByTestId("decided-by")).toContainText(`by ${team.people.MEMBER.email}`);
  await expect(item.getByTestId("conflict-message")).toContainText("Ignored (“Xero keeps its own delivery line”)");
  await expect(page.getByTestId("inbox-toast")).toContainText("Ignored");
  const ignored = await db().auditEntry.findMany({ where: { workspaceId: team.workspace.id, action: "conflict.ignored", correlationId: `conflict:${conflict.id}` } });
  expect(ignored.map((e) => (e.changes as { reason?: string }).reason)).toEqual(["Xero keeps its own delivery line"]);

  // It stays in view to be reopened.
  await item.getByRole("button", { name: "Reopen" }).click();
  await expect(item).toHaveAttribute("data-status", "OPEN");
  await expect(item.getByRole("button", { name: "Use QuickBooks' value" })).toBeVisible();
  expect(await auditCount(conflict.id, "conflict.reopened")).toBe(1);
  // The Ignored filter finds nothing of it now; Open does.
  await inbox(page, { kind: "AMOUNT", status: "IGNORED", q: invoice.number });
  await expect(page.getByTestId("empty-conflicts")).toBeVisible();
  await inbox(page, { kind: "AMOUNT", q: invoice.number });
  await expect(card(page, conflict.id)).toHaveAttribute("data-status", "OPEN");
});

test("duplicate: merging voids the copy entered twice in QuickBooks and keeps the original", async ({ page }) => {
  test.setTimeout(120_000);
  const invoice = await openInvoice();
  const qbo = await client("QUICKBOOKS");
  const original = (await qbo.getInvoice(invoice.idIn("QUICKBOOKS")))!;
  const copy = await qbo.createInvoice(
    { concordId: invoice.id, number: `${original.number}-2`, customer: { externalId: original.customerExternalId, name: "x", email: null }, currency: original.currency, issueDate: original.issueDate, dueDate: original.dueDate, memo: null, lines: original.lines.map((l) => ({ description: l.description, quantity: l.quantity, unitAmountMinor: l.unitAmountMinor })) },
    { idempotencyKey: `e2e:duplicate:${invoice.id}` },
  );
  const conflict = await raised(invoice.id, "DUPLICATE", ["QUICKBOOKS"]);

  await signIn(page, "MEMBER");
  await inbox(page, { kind: "DUPLICATE", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item.getByTestId("match-sentence")).toContainText(`QuickBooks holds this invoice twice: record ${copy.externalId}`);
  await expect(item.getByRole("region", { name: "The original (kept)" })).toContainText(invoice.number);
  await item.getByRole("button", { name: "Merge duplicates" }).click();
  await expect(item.getByTestId("conflict-message")).toContainText("the sync engine is voiding the duplicate in QuickBooks");
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  expect((await qbo.getInvoice(copy.externalId))!.status).toBe("VOID");
  expect((await qbo.getInvoice(original.externalId))!.status).toBe("OPEN");
  expect(await auditCount(conflict.id, "conflict.merged")).toBe(1);
});

test("possible match: confirming joins the record's invoice to the other one", async ({ page }) => {
  // A HubSpot record that started an invoice of its own, as a low-confidence match leaves it.
  const invoice = await openInvoice();
  const row = await db().invoice.findUniqueOrThrow({ where: { id: invoice.id } });
  const { id: _id, createdAt: _c, updatedAt: _u, syncedState: _s, systems: _y, ...rest } = row;
  const started = await db().invoice.create({ data: { ...rest, providers: ["HUBSPOT"], systems: [] } });
  const record = await db().externalRecord.findFirstOrThrow({ where: { invoiceId: invoice.id, connectionId: connections.HUBSPOT, entityType: "INVOICE" } });
  await db().externalRecord.update({ where: { id: record.id }, data: { invoiceId: started.id } });
  const conflict = await db().conflict.create({
    data: {
      workspaceId: team.workspace.id,
      invoiceId: started.id,
      kind: "POSSIBLE_MATCH",
      values: { record: { connectionId: connections.HUBSPOT, provider: "HUBSPOT", externalId: record.externalId, invoiceId: started.id }, otherInvoiceId: invoice.id, confidence: 80 },
      openKey: `POSSIBLE_MATCH:${[started.id, invoice.id].sort().join(":")}`,
      reason: "same customer and amount, numbers differ",
    },
  });

  await signIn(page, "ADMIN");
  await inbox(page, { kind: "POSSIBLE_MATCH", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item.getByTestId("match-sentence")).toContainText(`HubSpot's record ${record.externalId} may be the other invoice (80% alike)`);
  await expect(item.getByRole("button", { name: "Not the same" })).toBeVisible();
  await item.getByRole("button", { name: "Confirm match" }).click();
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done");
  await expect(item.getByTestId("push-notes")).toContainText("Linked as one invoice.");
  expect(await db().invoice.findUnique({ where: { id: started.id } })).toBeNull();
  expect((await db().invoice.findUniqueOrThrow({ where: { id: invoice.id } })).providers.sort()).toEqual([...PROVIDERS].sort());
  expect(await auditCount(conflict.id, "conflict.confirmed")).toBe(1);
});

test("missing: taking Stripe's creates the invoice only Stripe holds in the three others", async ({ page }) => {
  test.setTimeout(120_000);
  const stripe = await client("STRIPE");
  const customer = await db().externalRecord.findFirstOrThrow({ where: { connectionId: connections.STRIPE, entityType: "CUSTOMER" }, select: { externalId: true } });
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const number = `ONLY-STRIPE-${Date.now().toString(36).toUpperCase()}`;
  const created = await stripe.createInvoice(
    { concordId: "not-a-concord-id", number, customer: { externalId: customer.externalId, name: "x", email: null }, currency: "USD", issueDate: day(-1), dueDate: day(30), memo: null, lines: [{ description: "Only here", quantity: "1", unitAmountMinor: 4_200n }] },
    { idempotencyKey: `e2e:only-stripe:${number}` },
  );
  let invoiceId: string | null = null;
  await expect
    .poll(
      async () => {
        await pullConnection(connections.STRIPE, "INCREMENTAL");
        invoiceId = (await db().externalRecord.findFirst({ where: { connectionId: connections.STRIPE, externalId: created.externalId } }))?.invoiceId ?? null;
        return invoiceId;
      },
      { timeout: 20_000 },
    )
    .not.toBeNull();
  const conflict = await raised(invoiceId!, "MISSING", []);

  await signIn(page, "MEMBER");
  await inbox(page, { kind: "MISSING", q: number });
  const item = card(page, conflict.id);
  for (const system of ["quickbooks", "xero", "hubspot"]) await expect(item.locator(`[data-testid="value-row"][data-system="${system}"]`)).toContainText("Missing");
  await item.getByRole("button", { name: "Use Stripe's value" }).click();
  await expect(item.getByTestId("conflict-message")).toContainText("Taken from Stripe; the sync engine is creating the invoice in the systems that lack it.");
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done", { timeout: 60_000 });
  const holders = await db().externalRecord.findMany({ where: { invoiceId: invoiceId!, entityType: "INVOICE" }, select: { connectionId: true } });
  expect(holders.map((h) => h.connectionId).sort()).toEqual(Object.values(connections).sort());
});

test("customer: taking QuickBooks' spelling renames Concord's customer", async ({ page }) => {
  test.setTimeout(90_000);
  // A customer Concord knows by its email (the seed's names can join two customers by name, each keeping its own email elsewhere).
  const known = await db().customer.findFirstOrThrow({ where: { workspaceId: team.workspace.id, email: { not: null } }, select: { id: true, email: true }, orderBy: { id: "asc" } });
  const email = known.email!;
  const qbo = await db().connection.findUniqueOrThrow({ where: { id: connections.QUICKBOOKS } });
  const spelling = `Spelt Differently ${Date.now().toString(36)} Ltd`;
  const made = await fetch(`${sandbox("QUICKBOOKS")}/v3/company/${qbo.externalAccountId}/customer?minorversion=75`, {
    method: "POST",
    headers: { authorization: `Bearer ${openTokens(qbo.tokensCiphertext!, qbo.tokenKeyId!).accessToken}`, "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ DisplayName: spelling, PrimaryEmailAddr: { Address: email } }),
  });
  expect(made.status).toBe(200);
  // The new QuickBooks record joins the customer of that email, whose name it spells another way.
  let customerId: string | null = null;
  let conflictId: string | undefined;
  let seen = "nothing pulled yet";
  for (let attempt = 0; attempt < 30 && !conflictId; attempt++) {
    if (attempt) await sleep(1_000);
    const pulled = await pullConnection(connections.QUICKBOOKS, "INCREMENTAL");
    const record = await db().externalRecord.findFirst({ where: { connectionId: connections.QUICKBOOKS, entityType: "CUSTOMER", snapshot: { path: ["name"], equals: spelling } }, select: { customerId: true } });
    customerId = record?.customerId ?? null;
    conflictId = customerId ? (await db().conflict.findFirst({ where: { workspaceId: team.workspace.id, openKey: `CUSTOMER:${customerId}:customerName`, status: "OPEN" }, select: { id: true } }))?.id : undefined;
    seen = `pull error: ${pulled.error}; the record is ${record ? `linked to customer ${customerId}` : "not stored"}`;
  }
  expect(conflictId, `a CUSTOMER conflict (${seen})`).toBeTruthy();
  expect(customerId).toBe(known.id);

  await signIn(page, "MEMBER");
  await inbox(page, { kind: "CUSTOMER" });
  const item = card(page, conflictId!);
  const row = item.getByTestId("value-row").filter({ hasText: spelling });
  await expect(row).toHaveAttribute("data-system", "quickbooks");
  await expect(row).toHaveAttribute("data-differs", "true");
  await row.getByRole("button", { name: "Use QuickBooks' value" }).click();
  await expect(item.getByTestId("conflict-message")).toContainText(`Concord now shows “${spelling}”`);
  await expect(item.getByTestId("push-outcome")).toHaveAttribute("data-state", "done");
  expect((await db().customer.findUniqueOrThrow({ where: { id: customerId! } })).name).toBe(spelling);
  expect(await auditCount(conflictId!, "conflict.resolved")).toBe(1);
});

test("bulk: two conflicts selected (a click and x) are ignored with one reason, each reported", async ({ page }) => {
  test.setTimeout(120_000);
  const first = await amountConflict();
  const second = await amountConflict();
  await signIn(page, "MEMBER");
  await inbox(page, { kind: "AMOUNT" });
  await card(page, first.conflict.id).getByTestId("select-conflict").check();
  await card(page, second.conflict.id).focus();
  await expect(card(page, second.conflict.id)).toHaveAttribute("aria-current", "true");
  await page.keyboard.press("x");
  await expect(card(page, second.conflict.id).getByTestId("select-conflict")).toBeChecked();
  const bar = page.getByTestId("bulk-bar");
  await expect(bar.getByTestId("bulk-count")).toHaveText("2 selected");
  await bar.getByRole("button", { name: "Ignore…" }).click();
  await bar.getByLabel("Reason for ignoring them").fill("Reviewed with the Xero bookkeeper");
  await bar.getByRole("button", { name: "Ignore 2" }).click();
  const results = bar.getByTestId("bulk-result");
  await expect(results).toHaveCount(2);
  await expect(bar.locator('[data-testid="bulk-result"][data-ok="true"]')).toHaveCount(2);
  await expect(bar.getByTestId("bulk-results")).toContainText("Ignored 2 conflicts.");
  for (const { conflict } of [first, second]) {
    expect((await db().conflict.findUniqueOrThrow({ where: { id: conflict.id } })).status).toBe("IGNORED");
    expect(await auditCount(conflict.id, "conflict.ignored")).toBe(1);
  }
  await expect(card(page, first.conflict.id)).toHaveCount(0, { timeout: 10_000 });
});

test("a viewer sees the inbox without any decision, and the server action refuses a viewer", async ({ page }) => {
  test.setTimeout(90_000);
  const { invoice, conflict } = await amountConflict();
  await signIn(page, "VIEWER");
  await inbox(page, { kind: "AMOUNT", q: invoice.number });
  const item = card(page, conflict.id);
  await expect(item.getByTestId("conflict-values")).toBeVisible();
  await expect(item.getByRole("button")).toHaveCount(0);
  await expect(page.getByTestId("select-all")).toHaveCount(0);
  await expect(item.getByTestId("select-conflict")).toHaveCount(0);
  // The keyboard does not decide either.
  await page.keyboard.press("j");
  await page.keyboard.press("2");
  await expect(page.getByTestId("inbox-toast")).toContainText("can look at conflicts but not decide them");

  const id = builtActions(ROOT).get("app/w/[workspace]/conflicts/actions.ts#resolveConflictAction")!;
  const { result } = await callAction(page.request, `/w/${team.workspace.slug}/conflicts`, id, [null, { workspace: team.workspace.slug, conflictId: conflict.id, action: "ignore", reason: "a viewer tries", version: conflict.version }]);
  expect(result).toMatchObject({ ok: false, error: { code: "forbidden", gate: "permission" } });
  expect(await db().conflict.findUniqueOrThrow({ where: { id: conflict.id } })).toMatchObject({ status: "OPEN", version: conflict.version });
});

async function openAs(browser: Browser, role: Role, query: Record<string, string>): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, role);
  await inbox(page, query);
  return page;
}

test("two people deciding the same conflict at once: one wins, the other is told", async ({ browser }) => {
  test.setTimeout(120_000);
  const { invoice, conflict } = await amountConflict();
  const query = { kind: "AMOUNT", q: invoice.number };
  const [member, admin] = await Promise.all([openAs(browser, "MEMBER", query), openAs(browser, "ADMIN", query)]);
  try {
    const buttons = [member, admin].map((p) => card(p, conflict.id).getByRole("button", { name: "Use QuickBooks' value" }));
    for (const b of buttons) await expect(b).toBeVisible();
    await Promise.all(buttons.map((b) => b.click()));
    const messages = await Promise.all(
      [member, admin].map(async (p) => {
        const message = card(p, conflict.id).getByTestId("conflict-message");
        await expect(message).toBeVisible();
        return message.innerText();
      }),
    );
    const lost = messages.filter((m) => m.includes("Someone else decided this conflict"));
    const won = messages.filter((m) => m.startsWith("Taken from QuickBooks"));
    expect(lost, messages.join(" | ")).toHaveLength(1);
    expect(won, messages.join(" | ")).toHaveLength(1);
    // The one who lost sees what the other decided.
    const loser = messages[0]!.includes("Someone else") ? member : admin;
    const winner = loser === member ? team.people.ADMIN : team.people.MEMBER;
    await expect(card(loser, conflict.id)).toHaveAttribute("data-status", "RESOLVED");
    await expect(card(loser, conflict.id).getByTestId("decided-by")).toContainText(winner.email);
    expect(await auditCount(conflict.id, "conflict.resolved")).toBe(1);
  } finally {
    await Promise.all([member.context().close(), admin.context().close()]);
  }
});

test("the audit trail lists the decisions made in the inbox", async ({ page }) => {
  // Whatever this worker decided before (a failed test starts a new worker, with a new workspace).
  const decided = await db().auditEntry.count({ where: { workspaceId: team.workspace.id, action: "conflict.resolved" } });
  expect(decided).toBeGreaterThan(0);
  await signIn(page, "OWNER");
  await page.goto(`/w/${team.workspace.slug}/audit?action=conflict.resolved`);
  await expect(page.getByTestId("audit-count")).toHaveText(`${decided} ${decided === 1 ? "entry" : "entries"}`, { timeout: 20_000 });
  for (const action of await page.getByTestId("audit-row").evaluateAll((r) => r.map((e) => e.getAttribute("data-action")))) expect(action).toBe("conflict.resolved");
});
