/**
 * The sync engine end to end, in a real browser: an invoice paid in the Stripe sandbox (through
 * Stripe's API, as a customer's payment would be) reaches the app as a signed webhook, runs
 * through the Inngest functions on the embedded executor, is recorded in QuickBooks, Xero and
 * HubSpot, and the open timeline shows every chip paid, without a reload.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

import { db } from "../lib/db";
import { keyringFrom, open } from "../lib/connections/crypto";
import { TOKEN_PURPOSE } from "../lib/connections/tokens";
import { signInThroughForm } from "./support/session";

/** The Stripe connection's access token, read from the vault with the key the e2e server generated (CONCORD_DATA_DIR=.data/e2e). */
function stripeToken(ciphertext: string, keyId: string): string {
  const secrets = JSON.parse(readFileSync(path.resolve(".data/e2e/secrets.json"), "utf8")) as Record<string, string>;
  return (JSON.parse(open(ciphertext, keyId, TOKEN_PURPOSE, keyringFrom({ CONCORD_ENCRYPTION_KEY: secrets.CONCORD_ENCRYPTION_KEY }))) as { accessToken: string }).accessToken;
}

type Chip = { provider: string; externalId: string; status: string };

test("an invoice paid in Stripe turns paid in every system, live on the timeline", async ({ page }) => {
  test.setTimeout(60_000);
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
  const candidates = await db().invoice.findMany({
    where: { workspaceId: workspace.id, status: "OPEN", disagreement: false, providers: { hasEvery: ["STRIPE", "QUICKBOOKS", "XERO", "HUBSPOT"] } },
    select: { id: true, number: true, systems: true },
    orderBy: { issueDate: "asc" },
  });
  const invoice = candidates.find((i) => (i.systems as Chip[]).every((c) => c.status === "OPEN"))!;
  expect(invoice).toBeTruthy();
  const stripeId = (invoice.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;

  await signInThroughForm(page, "demo@example.com", process.env.DEMO_PASSWORD!);
  await page.getByRole("searchbox").fill(invoice.number!);
  const row = page.getByTestId("invoice-row").filter({ hasText: invoice.number! }).first();
  for (const system of ["stripe", "quickbooks", "xero", "hubspot"]) await expect(row.getByTestId(`chip-${system}`)).toHaveAttribute("data-status", "OPEN");

  const connection = await db().connection.findFirstOrThrow({ where: { workspaceId: workspace.id, provider: "STRIPE" }, select: { tokensCiphertext: true, tokenKeyId: true } });
  const token = stripeToken(connection.tokensCiphertext!, connection.tokenKeyId!);
  const paid = await fetch(`http://127.0.0.1:4201/v1/invoices/${stripeId}/pay`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" },
    body: "paid_out_of_band=true",
  });
  expect(paid.status).toBe(200);

  for (const system of ["stripe", "quickbooks", "xero", "hubspot"]) {
    await expect(row.getByTestId(`chip-${system}`)).toHaveAttribute("data-status", "PAID", { timeout: 30_000 });
  }
  // Exactly one payment pushed to each other system, each audited (just after its answer is stored).
  const audited = () => db().auditEntry.findMany({ where: { workspaceId: workspace.id, subjectId: invoice.id, action: "sync.push.record_payment" }, select: { connectionId: true } });
  await expect.poll(async () => new Set((await audited()).map((p) => p.connectionId)).size, { timeout: 10_000 }).toBe(3);
  const pushes = await audited();
  expect(pushes).toHaveLength(3);
  expect(new Set(pushes.map((p) => p.connectionId)).size).toBe(3);
});

test("with duplicated and reordered webhooks and 20% of provider calls failing, each system gets one payment; an amount mismatch becomes a conflict, not an overwrite", async () => {
  test.setTimeout(90_000);
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug: "demo" }, select: { id: true } });
  const invoices = await db().invoice.findMany({
    where: { workspaceId: workspace.id, status: "OPEN", providers: { hasEvery: ["STRIPE", "QUICKBOOKS", "XERO", "HUBSPOT"] } },
    select: { id: true, systems: true, disagreement: true },
    orderBy: { issueDate: "desc" },
  });
  type Full = Chip & { totalMinor: string };
  const open = (i: { systems: unknown }) => (i.systems as Full[]).every((c) => c.status === "OPEN");
  const total = (i: { systems: unknown }, provider: string) => (i.systems as Full[]).find((c) => c.provider === provider)!.totalMinor;
  const clean = invoices.filter((i) => !i.disagreement && open(i)).slice(0, 3);
  // One of the demo's invoices whose amount Xero has differently.
  const mismatched = invoices.find((i) => open(i) && total(i, "XERO") !== total(i, "STRIPE"))!;
  expect(clean).toHaveLength(3);
  expect(mismatched).toBeTruthy();

  // Every Stripe event is delivered twice (a second subscription, which also duplicates 10% of its
  // deliveries and sends them out of order), and the targets fail 20% of calls.
  const secrets = JSON.parse(readFileSync(path.resolve(".data/e2e/secrets.json"), "utf8")) as Record<string, string>;
  const post = (port: number, p: string, body: unknown) => fetch(`http://127.0.0.1:${port}${p}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect((await post(4201, "/_sandbox/webhooks", { url: `${test.info().project.use.baseURL}/api/webhooks/stripe`, secret: secrets.STRIPE_WEBHOOK_SECRET, duplicateRate: 0.1, reorder: true })).ok).toBe(true);
  for (const port of [4202, 4203, 4204]) expect((await post(port, "/_sandbox/faults", { errorRate: 0.2 })).ok).toBe(true);
  try {
    const connection = await db().connection.findFirstOrThrow({ where: { workspaceId: workspace.id, provider: "STRIPE" }, select: { tokensCiphertext: true, tokenKeyId: true } });
    const token = stripeToken(connection.tokensCiphertext!, connection.tokenKeyId!);
    for (const invoice of [...clean, mismatched]) {
      const stripeId = (invoice.systems as Chip[]).find((c) => c.provider === "STRIPE")!.externalId;
      const paid = await fetch(`http://127.0.0.1:4201/v1/invoices/${stripeId}/pay`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-www-form-urlencoded" }, body: "paid_out_of_band=true" });
      expect(paid.status).toBe(200);
    }
    const paidEverywhere = async () => {
      const rows = await db().invoice.findMany({ where: { id: { in: clean.map((i) => i.id) } }, select: { systems: true } });
      return rows.every((r) => (r.systems as Chip[]).every((c) => c.status === "PAID"));
    };
    await expect.poll(paidEverywhere, { timeout: 60_000, intervals: [500] }).toBe(true);

    // Exactly one payment per system per invoice: every push of an invoice to a connection answered with the same payment.
    // Each push is audited just after its answer is stored (the chips can flip a moment earlier).
    const audited = () => db().auditEntry.findMany({ where: { workspaceId: workspace.id, subjectId: { in: clean.map((i) => i.id) }, action: "sync.push.record_payment" }, select: { subjectId: true, connectionId: true, changes: true } });
    await expect.poll(async () => new Set((await audited()).map((p) => `${p.subjectId}:${p.connectionId}`)).size, { timeout: 10_000 }).toBe(clean.length * 3);
    const pushes = await audited();
    const paymentsPer = new Map<string, Set<string>>();
    for (const p of pushes) {
      const key = `${p.subjectId}:${p.connectionId}`;
      paymentsPer.set(key, (paymentsPer.get(key) ?? new Set()).add((p.changes as { answer: { externalId: string } }).answer.externalId));
    }
    expect(paymentsPer.size).toBe(clean.length * 3);
    for (const ids of paymentsPer.values()) expect(ids.size).toBe(1);

    // The mismatched invoice: paid where the amounts agree, a conflict for Xero, nothing written there.
    await expect
      .poll(async () => (await db().conflict.findMany({ where: { invoiceId: mismatched.id, kind: "AMOUNT", status: "OPEN" } })).length, { timeout: 30_000, intervals: [500] })
      .toBe(1);
    const xero = await db().connection.findFirstOrThrow({ where: { workspaceId: workspace.id, provider: "XERO" }, select: { id: true } });
    expect(await db().auditEntry.count({ where: { subjectId: mismatched.id, connectionId: xero.id, action: { startsWith: "sync.push" } } })).toBe(0);
    const after = await db().invoice.findUniqueOrThrow({ where: { id: mismatched.id }, select: { systems: true } });
    expect((after.systems as Chip[]).find((c) => c.provider === "XERO")!.status).toBe("OPEN");
  } finally {
    for (const port of [4202, 4203, 4204]) await post(port, "/_sandbox/faults", { errorRate: 0 });
  }
});
