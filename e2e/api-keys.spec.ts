import { expect, test } from "@playwright/test";
import { makeApiKey, makeTeam } from "../test/factories";
import { signInThroughForm } from "./support/session";

test("API key life cycle: create in Settings, use, see last use, revoke", async ({ page, request }) => {
  const { workspace, people } = await makeTeam();
  await signInThroughForm(page, people.ADMIN.email, people.ADMIN.password);
  await page.goto(`/w/${workspace.slug}/settings/api-keys`);
  await page.getByLabel("Name").fill("Nightly export");
  await page.getByLabel("Role", { exact: true }).selectOption("VIEWER");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = await page.getByTestId("new-api-key").inputValue();
  expect(key).toMatch(/^ck_live_/);
  const row = page.getByTestId("api-key-Nightly export");
  await expect(row.getByTestId("api-key-last-used")).toHaveText("never");

  const ok = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${key}` } });
  expect(ok.status()).toBe(200);
  expect(await ok.json()).toEqual({ workspace: { id: workspace.id, name: workspace.name, slug: workspace.slug }, role: "VIEWER" });

  // A viewer key reads but may not change members.
  const refused = await request.patch(`/api/v1/members/whatever`, { headers: { authorization: `Bearer ${key}` }, data: { role: "VIEWER" } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.code).toBe("forbidden");

  await page.reload();
  await expect(row.getByTestId("api-key-last-used")).not.toHaveText("never");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByTestId("api-key-revoked")).toBeVisible();

  const revoked = await request.get("/api/v1/workspace", { headers: { authorization: `Bearer ${key}` } });
  expect(revoked.status()).toBe(401);
  expect(await revoked.json()).toEqual({ error: { code: "unauthorized", message: "This API key is not valid or has been revoked." } });
});

test("the API answers bad requests with the error shape and the right status", async ({ request }) => {
  const { people } = await makeTeam();
  const key = await makeApiKey(people.OWNER, "OWNER");
  const auth = { authorization: `Bearer ${key}` };
  const members = await (await request.get("/api/v1/members", { headers: auth })).json();
  const viewer = members.data.find((m: { role: string }) => m.role === "VIEWER");

  expect((await request.get("/api/v1/members")).status()).toBe(401);
  expect((await request.get("/api/v1/members", { headers: { authorization: "Bearer ck_live_nope" } })).status()).toBe(401);

  const url = `/api/v1/members/${viewer.id}`;
  const malformed = await request.patch(url, { headers: { ...auth, "content-type": "application/json" }, data: Buffer.from("{role:") });
  expect(malformed.status()).toBe(400);
  expect((await malformed.json()).error.code).toBe("bad_request");

  const wrongType = await request.patch(url, { headers: auth, data: { role: 7 } });
  expect(wrongType.status()).toBe(422);
  expect((await wrongType.json()).error.fields.role).toBeDefined();

  const unknownField = await request.patch(url, { headers: auth, data: { role: "MEMBER", admin: true } });
  expect(unknownField.status()).toBe(422);

  const oversized = await request.patch(url, { headers: auth, data: { role: "MEMBER", pad: "x".repeat(100_000) } });
  expect(oversized.status()).toBe(413);

  // None of the refused requests changed anything.
  const after = await (await request.get("/api/v1/members", { headers: auth })).json();
  expect(after.data.find((m: { id: string }) => m.id === viewer.id).role).toBe("VIEWER");

  const changed = await request.patch(url, { headers: auth, data: { role: "MEMBER" } });
  expect(changed.status()).toBe(200);
  expect(await changed.json()).toEqual({ id: viewer.id, role: "MEMBER" });
});
