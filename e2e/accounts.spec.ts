import { expect, test } from "@playwright/test";
import { makePerson, PASSWORD, uniqueEmail } from "../test/factories";
import { signInThroughForm } from "./support/session";

test("sign up, sign out, sign in again", async ({ page }) => {
  const email = uniqueEmail("signup");
  await page.goto("/");
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByLabel("Your name").fill("Ada Lovelace");
  await page.getByLabel("Work email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();

  await expect(page).toHaveURL(/\/w\/ada-lovelace-s-workspace-[0-9a-f]{8}\/invoices$/);
  await expect(page.getByTestId("workspace-name")).toHaveText("Ada Lovelace's workspace");
  await expect(page.getByTestId("current-role")).toHaveText("Your role: owner");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/w");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fw$/);

  await signInThroughForm(page, email, PASSWORD);
  await expect(page.getByTestId("user-email")).toHaveText(email);
});

test("sign-up shows field errors and keeps nothing", async ({ page }) => {
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Short Password");
  await page.getByLabel("Work email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Use at least 10 characters")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-up$/);
});

test("a taken email is refused with a way forward", async ({ page }) => {
  const person = await makePerson("taken");
  await page.goto("/sign-up");
  await page.getByLabel("Your name").fill("Someone Else");
  await page.getByLabel("Work email").fill(person.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("This email is already registered")).toBeVisible();
});

test("a wrong password and an unknown email get the same answer", async ({ page }) => {
  const person = await makePerson("wrongpw");
  for (const [email, password] of [
    [person.email, "not-the-password"],
    [uniqueEmail("nobody"), "whatever-password"],
  ] as const) {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("form-message")).toHaveText("Email or password is incorrect.");
  }
});

test("failed sign-ins are rate limited per email", async ({ page }) => {
  const person = await makePerson("limited");
  for (let attempt = 1; attempt <= 10; attempt++) {
    // A fresh page per attempt: each message on screen belongs to this attempt.
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(person.email);
    await page.getByLabel("Password").fill(`wrong-${attempt}-password`);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("form-message")).toHaveText("Email or password is incorrect.");
  }
  // The 11th attempt is refused even with the right password.
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-message")).toHaveText("Too many failed sign-ins. Wait a minute, then try again.");
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("change password, which signs out other sessions", async ({ page, browser }) => {
  const person = await makePerson("changer");
  const otherContext = await browser.newContext();
  const other = await otherContext.newPage();
  await signInThroughForm(other, person.email, person.password);
  await signInThroughForm(page, person.email, person.password);
  await page.goto("/account");
  await page.getByLabel("Current password").fill("not-my-password");
  await page.getByLabel("New password").fill("a-brand-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("The current password is not right").first()).toBeVisible();

  await page.reload();
  await page.getByLabel("Current password").fill(person.password);
  await page.getByLabel("New password").fill("a-brand-new-password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-changed")).toHaveText("Password changed. Other sessions have been signed out.");
  await other.goto("/w");
  await expect(other).toHaveURL(/\/sign-in\?callbackUrl=/);
  await otherContext.close();

  await page.getByRole("link", { name: "← Back" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await signInThroughForm(page, person.email, "a-brand-new-password");
});
