/**
 * The access matrix over HTTP: every page and route handler of the app is in
 * lib/authz/access-table.ts, and answers each role, a member of another workspace and a
 * stranger as the table says. (Server actions: lib/authz/access-matrix.test.ts.)
 */
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { db, type Role } from "../lib/db";
import { PAGES, ROUTES } from "../lib/authz/access-table";
import { appPages, appRoutes } from "../lib/authz/app-inventory";
import { can, ROLES, type Permission } from "../lib/authz/permissions";
import { makeApiKey, makePerson, makeTeam, type Person } from "../test/factories";
import { signInThroughForm } from "./support/session";

const ROOT = path.resolve(import.meta.dirname, "..");

test("the table lists every page and route handler of the app, and nothing else", () => {
  const pages = appPages(ROOT);
  const routes = appRoutes(ROOT);
  expect(pages.filter((p) => !(p in PAGES)), "add these pages to lib/authz/access-table.ts").toEqual([]);
  expect(Object.keys(PAGES).filter((p) => !pages.includes(p)), "stale page entries").toEqual([]);
  expect(routes.filter((r) => !(r in ROUTES)), "add these routes to lib/authz/access-table.ts").toEqual([]);
  expect(Object.keys(ROUTES).filter((r) => !routes.includes(r)), "stale route entries").toEqual([]);
});

type Caller = "anonymous" | "outsider" | Role;

async function signedInRequest(browser: Browser, person: Person): Promise<APIRequestContext> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInThroughForm(page, person.email, person.password);
  await page.close();
  return context.request;
}

function expectedPageStatus({ access, ok = 200, signedIn }: (typeof PAGES)[string], caller: Caller): number | "sign-in" {
  if (access === "public") return caller === "anonymous" ? ok : (signedIn ?? ok);
  if (caller === "anonymous") return "sign-in";
  if (access === "user") return ok;
  if (caller === "outsider") return 404;
  return can(caller, access as Permission) ? ok : 403;
}

test("pages answer each caller as the table says", async ({ browser, playwright }) => {
  test.setTimeout(120_000);
  const { workspace, people } = await makeTeam();
  const outsider = await makePerson("outsider");
  const callers = new Map<Caller, APIRequestContext>([["anonymous", await playwright.request.newContext({ baseURL: test.info().project.use.baseURL })]]);
  callers.set("outsider", await signedInRequest(browser, outsider));
  for (const role of ROLES) callers.set(role, await signedInRequest(browser, people[role]));

  const failures: string[] = [];
  for (const [pattern, entry] of Object.entries(PAGES)) {
    const url = pattern.replace("[workspace]", workspace.slug).replace("[token]", "inv_matrix-token");
    for (const [caller, request] of callers) {
      const response = await request.get(url, { maxRedirects: 0 });
      const expected = expectedPageStatus(entry, caller);
      const actual = response.status();
      const ok =
        expected === "sign-in"
          ? [302, 303, 307].includes(actual) && (response.headers().location ?? "").includes("/sign-in")
          : actual === expected;
      if (!ok) failures.push(`${pattern} as ${caller}: expected ${expected}, got ${actual}`);
    }
  }
  expect(failures).toEqual([]);
});

test("route handlers and API routes answer each caller as the table says", async ({ playwright }) => {
  const { workspace, people } = await makeTeam();
  const outsider = await makePerson("outsider");
  const viewerMembership = await db().membership.findUniqueOrThrow({ where: { workspaceId_userId: { workspaceId: workspace.id, userId: people.VIEWER.id } } });
  const ids: Record<string, string> = { viewerMembershipId: viewerMembership.id, missingId: "does-not-exist" };
  const keys = new Map<Caller, string>();
  keys.set("outsider", await makeApiKey(outsider, "OWNER"));
  for (const role of ROLES) keys.set(role, await makeApiKey(people.OWNER, role));
  const request = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });

  const failures: string[] = [];
  for (const [name, entry] of Object.entries(ROUTES)) {
    const method = name.split(" ")[0]!;
    const url = entry.call.replace(/:(\w+)/g, (_, id: string) => ids[id]!);
    const send = (headers: Record<string, string>) =>
      request.fetch(url, { method, headers, maxRedirects: 0, ...(entry.body ? { data: entry.body } : {}) });

    if (entry.auth === "none") {
      const status = (await send({})).status();
      if (status >= 400) failures.push(`${name} (public): got ${status}`);
      continue;
    }
    const anonymous = (await send({})).status();
    if (anonymous !== 401) failures.push(`${name} without a key: expected 401, got ${anonymous}`);
    for (const [caller, key] of keys) {
      const status = (await send({ authorization: `Bearer ${key}` })).status();
      if (caller === "outsider") {
        // Another workspace's key sees its own workspace; ids of this one do not exist for it.
        const expected = url.includes(viewerMembership.id) ? 404 : null;
        if (expected && status !== expected) failures.push(`${name} as outsider: expected ${expected}, got ${status}`);
        continue;
      }
      const allowed = can(caller as Role, entry.access as Permission);
      if (allowed ? status === 403 || status === 401 : status !== 403) {
        failures.push(`${name} as ${caller}: expected ${allowed ? "allowed" : 403}, got ${status}`);
      }
    }
  }
  expect(failures).toEqual([]);
});
