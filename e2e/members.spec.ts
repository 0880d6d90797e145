import { expect, test } from "@playwright/test";
import { makePerson, makeTeam, PASSWORD, uniqueEmail } from "../test/factories";
import { signInThroughForm } from "./support/session";

test("an invited person creates an account through the link and joins as the invited role", async ({ page, browser }) => {
  const owner = await makePerson("inviter");
  await signInThroughForm(page, owner.email, owner.password);
  await page.goto(`/w/${owner.workspace.slug}/settings/members`);
  await page.getByLabel("Role", { exact: true }).selectOption("MEMBER");
  await page.getByRole("button", { name: "Create invitation" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Invitation link created. Copy it and send it yourself.");
  const link = await page.getByTestId("invite-link").inputValue();
  expect(link).toMatch(/\/invite\/inv_[A-Za-z0-9_-]{43}$/);

  const guestContext = await browser.newContext();
  const guest = await guestContext.newPage();
  await guest.goto(link);
  await expect(guest.getByRole("heading", { name: `Join ${owner.workspace.name}` })).toBeVisible();
  await guest.getByRole("link", { name: "Create an account to join" }).click();
  const email = uniqueEmail("joiner");
  await guest.getByLabel("Your name").fill("Joiner");
  await guest.getByLabel("Work email").fill(email);
  await guest.getByLabel("Password").fill(PASSWORD);
  await guest.getByRole("button", { name: "Create account" }).click();
  await expect(guest).toHaveURL(new RegExp(new URL(link).pathname + "$"));
  await guest.getByRole("button", { name: "Accept invitation" }).click();
  await expect(guest).toHaveURL(new RegExp(`/w/${owner.workspace.slug}/invoices$`));
  await expect(guest.getByTestId("current-role")).toHaveText("Your role: member");

  // The link worked once.
  await guest.goto(link);
  await expect(guest.getByTestId("invitation-problem")).toHaveText("This invitation has already been used.");
  await guestContext.close();

  await page.reload();
  await expect(page.getByTestId(`member-${email}`).getByTestId("member-role")).toHaveText("member");
});

test("a viewer sees members read-only, no API keys, and the server refuses them too", async ({ page }) => {
  const { workspace, people } = await makeTeam();
  await signInThroughForm(page, people.VIEWER.email, people.VIEWER.password);
  await page.goto(`/w/${workspace.slug}/settings/members`);
  await expect(page.getByTestId("members-readonly")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create invitation" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Remove" })).toHaveCount(0);

  await page.goto(`/w/${workspace.slug}/settings`);
  await expect(page.getByRole("link", { name: /API keys/ })).toHaveCount(0);
  const response = await page.goto(`/w/${workspace.slug}/settings/api-keys`);
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("navigation", { name: "Workspace" }).getByRole("link", { name: "Audit" })).toHaveCount(0);
  expect((await page.goto(`/w/${workspace.slug}/audit`))?.status()).toBe(403);
});

test("an admin cannot demote the owner; the owner can change a role", async ({ page }) => {
  const { workspace, people } = await makeTeam();
  await signInThroughForm(page, people.ADMIN.email, people.ADMIN.password);
  await page.goto(`/w/${workspace.slug}/settings/members`);
  // No controls on the owner's row for an admin.
  await expect(page.getByTestId(`member-${people.OWNER.email}`).getByRole("button")).toHaveCount(0);
  const viewerRow = page.getByTestId(`member-${people.VIEWER.email}`);
  await viewerRow.getByLabel(`Role of ${people.VIEWER.email}`).selectOption("MEMBER");
  await viewerRow.getByRole("button", { name: "Change role" }).click();
  await expect(viewerRow.getByTestId("member-role")).toHaveText("member");
});
