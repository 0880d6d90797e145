/**
 * Notifications in the browser: the shell's open-conflict badge (and that it follows new and
 * settled conflicts without a reload), and Settings → Notifications setting up a webhook whose
 * test event, and then the conflicts the every-minute cron finds, reach a local receiver signed.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { db } from "../lib/db";
import { makeTeam } from "../test/factories";
import { makeConflict } from "../test/notifications";
import { signInThroughForm } from "./support/session";

type Received = { headers: IncomingHttpHeaders; raw: string; body: { type: string; workspace: string; conflicts: { id: string }[] } };

async function receiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/concord`, received, server };
}

function signedWith(secret: string, r: Received): boolean {
  const parts = String(r.headers["concord-signature"]).split(",").map((p) => p.split("="));
  const t = parts.find(([k]) => k === "t")?.[1];
  const expected = createHmac("sha256", secret).update(`${t}.${r.raw}`).digest();
  return parts.some(([k, v]) => k === "v1" && Buffer.from(v!, "hex").length === expected.length && timingSafeEqual(Buffer.from(v!, "hex"), expected));
}

test("the shell counts open conflicts and follows them without a reload", async ({ page }) => {
  test.setTimeout(120_000);
  const { workspace, people } = await makeTeam();
  await makeConflict(workspace.id);
  await makeConflict(workspace.id);
  await makeConflict(workspace.id, { status: "RESOLVED" });
  await signInThroughForm(page, people.VIEWER.email, people.VIEWER.password);
  // The viewer's own workspace opens first; the team's is where the conflicts are.
  await page.goto(`/w/${workspace.slug}/invoices`);
  const nav = page.getByRole("navigation", { name: "Workspace" });
  await expect(nav.getByRole("link", { name: "Conflicts, 2 open" })).toBeVisible();
  await expect(nav.getByTestId("conflicts-badge")).toHaveText("2");

  await makeConflict(workspace.id);
  await expect(nav.getByRole("link", { name: "Conflicts, 3 open" })).toBeVisible({ timeout: 45_000 });
  await db().conflict.updateMany({ where: { workspaceId: workspace.id }, data: { status: "RESOLVED" } });
  await expect(nav.getByTestId("conflicts-badge")).toHaveCount(0, { timeout: 45_000 });
  await expect(nav.getByRole("link", { name: "Conflicts", exact: true })).toBeVisible();
});

test("Settings → Notifications: a webhook with a secret shown once, a signed test event, rotation", async ({ page }) => {
  const hook = await receiver();
  try {
    const { workspace, people } = await makeTeam();
    await signInThroughForm(page, people.ADMIN.email, people.ADMIN.password);
    await page.goto(`/w/${workspace.slug}/settings`);
    await page.getByRole("link", { name: /Notifications/ }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${workspace.slug}/settings/notifications$`));

    await page.getByLabel("Endpoint URL").fill("http://example.com/not-https");
    await page.getByRole("button", { name: "Add webhook" }).click();
    await expect(page.locator("#url-error")).toContainText("https://");

    await page.getByLabel("Endpoint URL").fill(hook.url);
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = await page.getByTestId("webhook-secret").inputValue();
    expect(secret).toMatch(/^whsec_/);

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect(page.getByTestId("webhook-test-message")).toHaveText("Test event delivered (HTTP 200).");
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.body).toMatchObject({ type: "test", workspace: workspace.slug, conflicts: [] });
    expect(signedWith(secret, hook.received[0]!)).toBe(true);

    await page.reload();
    await expect(page.getByTestId("webhook-last-delivery")).toContainText("(test event): delivered, HTTP 200");
    await expect(page.getByTestId("webhook-secret")).toHaveCount(0);

    await page.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = await page.getByTestId("webhook-secret").inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    await page.getByRole("radio", { name: "On" }).check();
    await page.getByRole("button", { name: "Save digest" }).click();
    await expect(page.getByTestId("digest-message")).toContainText("Daily digest on");
  } finally {
    hook.server.close();
  }
});

test("a conflict opened after the webhook is set up reaches it within a couple of cron ticks", async ({ page }) => {
  test.setTimeout(180_000);
  const hook = await receiver();
  try {
    const { workspace, people } = await makeTeam();
    await signInThroughForm(page, people.OWNER.email, people.OWNER.password);
    await page.goto(`/w/${workspace.slug}/settings/notifications`);
    await page.getByLabel("Endpoint URL").fill(hook.url);
    await page.getByRole("button", { name: "Add webhook" }).click();
    const secret = await page.getByTestId("webhook-secret").inputValue();

    const conflict = await makeConflict(workspace.id);
    await expect.poll(() => hook.received.length, { timeout: 150_000, intervals: [2_000] }).toBeGreaterThan(0);
    const [delivery] = hook.received;
    expect(delivery!.body).toMatchObject({ type: "conflicts.opened", workspace: workspace.slug, conflicts: [{ id: conflict.id }] });
    expect(delivery!.headers["concord-event-id"]).toMatch(/^evt_/);
    expect(signedWith(secret, delivery!)).toBe(true);
  } finally {
    hook.server.close();
  }
});
