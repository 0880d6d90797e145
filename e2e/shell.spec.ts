import { expect, test } from "@playwright/test";

test("the landing page leads into the workspace shell", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your invoices, in agreement everywhere.");
  await page.getByRole("link", { name: "See the demo" }).click();
  await expect(page).toHaveURL(/\/w\/demo\/invoices$/);
  await expect(page.getByTestId("workspace-name")).toHaveText("Demo");
  await expect(page.getByTestId("empty-invoices")).toBeVisible();
});

test("every section of the shell renders its empty state and marks itself current", async ({ page }) => {
  await page.goto("/w/demo/invoices");
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
    await expect(page).toHaveURL(new RegExp(`/w/demo/${segment}$`));
    await expect(page.getByTestId(`empty-${segment}`)).toBeVisible();
    await expect(nav.getByRole("link", { name: label })).toHaveAttribute("aria-current", "page");
  }
});

test("the shell is usable from the keyboard", async ({ page }) => {
  await page.goto("/w/demo/invoices");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
});

test("an unknown workspace answers 404", async ({ page }) => {
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
