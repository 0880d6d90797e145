import { expect, test } from "@playwright/test";
import { makePerson } from "../test/factories";
import { signInThroughForm } from "./support/session";

test("the landing page leads to the demo workspace through sign-in", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your invoices, in agreement everywhere.");
  await page.getByRole("link", { name: "Open the demo workspace" }).click();
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await expect(page.getByTestId("demo-hint")).toContainText("demo@example.com");
  await expect(page.getByTestId("demo-hint")).toContainText("the password printed in the terminal");
  await expect(page.getByLabel("Email")).toHaveValue("demo@example.com");
  await page.getByLabel("Password").fill(process.env.DEMO_PASSWORD!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/w\/demo\/invoices$/);
  await expect(page.getByTestId("workspace-name")).toHaveText("Demo");
  // The demo arrives connected to the four sandboxes.
  await page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Connections" }).click();
  for (const provider of ["stripe", "quickbooks", "xero", "hubspot"]) {
    await expect(page.getByTestId(`connection-${provider}`).getByTestId("connection-status")).toHaveText("Connected");
  }
});

test("every section of the shell renders its empty state and marks itself current", async ({ page }) => {
  const person = await makePerson("shell");
  await signInThroughForm(page, person.email, person.password);
  const nav = page.getByRole("navigation", { name: "Workspace" });
  const sections = [
    ["Conflicts", "conflicts"],
    ["Audit", "audit"],
    ["Connections", "connections"],
    ["Settings", "settings"],
    ["Timeline", "invoices"],
  ] as const;
  for (const [label, segment] of sections) {
    await nav.getByRole("link", { name: label }).click();
    await expect(page).toHaveURL(new RegExp(`/w/${person.workspace.slug}/${segment}$`));
    await expect(page.getByTestId(`empty-${segment}`)).toBeVisible();
    await expect(nav.getByRole("link", { name: label })).toHaveAttribute("aria-current", "page");
  }
});

test("the shell is usable from the keyboard", async ({ page }) => {
  const person = await makePerson("keys");
  await signInThroughForm(page, person.email, person.password);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

test("workspaces: create another and switch between them", async ({ page }) => {
  const person = await makePerson("switcher");
  await signInThroughForm(page, person.email, person.password);
  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("link", { name: "New workspace…" }).click();
  await page.getByLabel("Workspace name").fill("Second Co");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page).toHaveURL(/\/w\/second-co-[0-9a-f]{8}\/invoices$/);
  await expect(page.getByTestId("workspace-name")).toHaveText("Second Co");

  await page.getByTestId("workspace-switcher").click();
  await page.getByRole("list", { name: "Your workspaces" }).getByRole("link", { name: new RegExp(person.workspace.name) }).click();
  await expect(page).toHaveURL(new RegExp(`/w/${person.workspace.slug}/invoices$`));
});

test("an unknown workspace answers 404", async ({ page }) => {
  const person = await makePerson("unknown");
  await signInThroughForm(page, person.email, person.password);
  const response = await page.goto("/w/no-such-workspace/invoices");
  expect(response?.status()).toBe(404);
});

test("health reports the database and the version, with a request id", async ({ request }) => {
  const response = await request.get("/api/health", { headers: { "x-request-id": "e2e-health-1" } });
  expect(response.status()).toBe(200);
  expect(response.headers()["x-request-id"]).toBe("e2e-health-1");
  const body = await response.json();
  expect(body).toMatchObject({ status: "ok", database: "up" });
  expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
});
