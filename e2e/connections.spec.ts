import { expect, test, type Page } from "@playwright/test";
import { makePerson, makeTeam } from "../test/factories";
import { signInThroughForm } from "./support/session";

const PROVIDERS = [
  { id: "stripe", label: "Stripe" },
  { id: "quickbooks", label: "QuickBooks Online" },
  { id: "xero", label: "Xero" },
  { id: "hubspot", label: "HubSpot" },
] as const;

/** On a sandbox's consent page: name the new sandbox account and approve (or deny). */
async function consent(page: Page, decision: "Approve" | "Deny", accountName?: string) {
  await expect(page.getByRole("button", { name: decision })).toBeVisible();
  if (accountName) await page.getByLabel("New account name").fill(accountName);
  await page.getByRole("button", { name: decision }).click();
}

test("connect all four sandbox providers through their consent pages", async ({ page }) => {
  test.setTimeout(90_000);
  const owner = await makePerson("connector");
  await signInThroughForm(page, owner.email, owner.password);
  for (const provider of PROVIDERS) {
    await page.goto(`/w/${owner.workspace.slug}/connections`);
    await page.getByTestId(`connect-${provider.id}`).click();
    await expect(page).toHaveURL(/127\.0\.0\.1:42\d\d\//); // the provider's own page
    await consent(page, "Approve", `${provider.label} books of ${owner.email}`);
    await expect(page).toHaveURL(new RegExp(`/w/${owner.workspace.slug}/connections\\?notice=connected`));
    await expect(page.getByTestId("connection-notice")).toContainText(`${provider.label} is connected`);
    const card = page.getByTestId(`connection-${provider.id}`);
    await expect(card.getByTestId("connection-status")).toHaveText("Connected");
    await expect(card.getByTestId("connection-account")).not.toBeEmpty();
  }
  await expect(page.getByRole("list", { name: "Connected tools" }).getByRole("listitem")).toHaveCount(4);
});

test("denied consent and a forged callback change nothing", async ({ page }) => {
  const owner = await makePerson("denier");
  await signInThroughForm(page, owner.email, owner.password);
  await page.goto(`/w/${owner.workspace.slug}/connections`);
  await page.getByTestId("connect-quickbooks").click();
  await consent(page, "Deny");
  await expect(page.getByTestId("connection-notice")).toHaveText("You declined access in QuickBooks Online. Nothing was connected.");
  await expect(page.getByTestId("empty-connections")).toBeVisible();

  await page.goto("/api/oauth/stripe/callback?state=forged-state&code=stolen-code");
  await expect(page.getByTestId("connection-notice")).toHaveText("The answer from Stripe was not valid. Start again from here.");
  await expect(page.getByTestId("empty-connections")).toBeVisible();
});

test("a replayed callback is refused", async ({ page }) => {
  const owner = await makePerson("replayer");
  await signInThroughForm(page, owner.email, owner.password);
  await page.goto(`/w/${owner.workspace.slug}/connections`);
  let callback = "";
  page.on("request", (r) => {
    if (r.url().includes("/api/oauth/hubspot/callback")) callback = r.url();
  });
  await page.getByTestId("connect-hubspot").click();
  await consent(page, "Approve");
  await expect(page.getByTestId("connection-notice")).toContainText("HubSpot is connected");
  expect(callback).toContain("state=");
  await page.goto(callback);
  await expect(page.getByTestId("connection-notice")).toHaveText("That sign-in link was already used. Start again from here.");
  await expect(page.getByRole("list", { name: "Connected tools" }).getByRole("listitem")).toHaveCount(1);
});

test("a Xero sign-in covering two organisations asks which one to connect", async ({ page }) => {
  const owner = await makePerson("xero-picker");
  await signInThroughForm(page, owner.email, owner.password);
  // First connect one organisation, so the next consent page lists it beside a new one.
  await page.goto(`/w/${owner.workspace.slug}/connections`);
  await page.getByTestId("connect-xero").click();
  await consent(page, "Approve", "Kiwi Traders");
  await expect(page.getByTestId("connection-notice")).toContainText("Xero is connected");

  await page.getByTestId("connect-xero").click();
  await page.getByLabel(/Kiwi Traders/).check();
  await consent(page, "Approve", "Tasman Imports");
  await expect(page).toHaveURL(/\/connections\/choose\?flow=/);
  await page.getByLabel(/Tasman Imports/).check();
  await page.getByRole("button", { name: "Connect this organisation" }).click();
  await expect(page.getByTestId("connection-notice")).toContainText("Xero is connected");
  await expect(page.getByTestId("connection-xero")).toHaveCount(2);
});

test("disconnect keeps the card, and reconnect brings it back", async ({ page }) => {
  const owner = await makePerson("disconnector");
  await signInThroughForm(page, owner.email, owner.password);
  await page.goto(`/w/${owner.workspace.slug}/connections`);
  await page.getByTestId("connect-stripe").click();
  const name = `Reconnect Co ${owner.email}`;
  await consent(page, "Approve", name);
  const card = page.getByTestId("connection-stripe");
  page.once("dialog", (d) => void d.accept());
  await card.getByRole("button", { name: "Disconnect" }).click();
  await expect(card.getByTestId("connection-status")).toHaveText("Disconnected");
  await card.getByRole("link", { name: "Reconnect" }).click();
  // Reconnecting means signing in to the same account: pick it on the consent page.
  await page.getByLabel(new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))).check();
  await consent(page, "Approve");
  await expect(page.getByTestId("connection-notice")).toContainText("Stripe is connected again");
  await expect(card.getByTestId("connection-status")).toHaveText("Connected");
});

test("members and viewers see connections but cannot change them", async ({ page }) => {
  const { workspace, people } = await makeTeam();
  await signInThroughForm(page, people.MEMBER.email, people.MEMBER.password);
  await page.goto(`/w/${workspace.slug}/connections`);
  await expect(page.getByTestId("connect-stripe")).toHaveCount(0);
  const response = await page.goto(`/w/${workspace.slug}/connections/stripe/connect`);
  expect(response?.status()).toBe(403);
});

test("a new connection syncs right away, and Sync now runs again", async ({ page }) => {
  const owner = await makePerson("syncer");
  await signInThroughForm(page, owner.email, owner.password);
  await page.goto(`/w/${owner.workspace.slug}/connections`);
  await page.getByTestId("connect-xero").click();
  await consent(page, "Approve");
  const state = page.getByTestId("connection-xero").getByTestId("sync-state");
  await expect(async () => {
    await page.reload();
    await expect(state).toHaveText(/Last sync succeeded/, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.getByTestId("connection-xero").getByRole("button", { name: "Sync now" }).click();
  await expect(async () => {
    await page.reload();
    await expect(state).toHaveText(/Last sync succeeded/, { timeout: 1000 });
  }).toPass({ timeout: 20_000 });
});
