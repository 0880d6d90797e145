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
  // Exactly one payment pushed to each other system, each audited.
  const pushes = await db().auditEntry.findMany({ where: { workspaceId: workspace.id, subjectId: invoice.id, action: "sync.push.record_payment" }, select: { connectionId: true } });
  expect(pushes).toHaveLength(3);
  expect(new Set(pushes.map((p) => p.connectionId)).size).toBe(3);
});
