/**
 * The access matrix over HTTP: every page, route handler and server action of the app is in
 * lib/authz/access-table.ts, and each answers every role, a member of another workspace and a
 * stranger as the table says. (lib/authz/access-matrix.test.ts checks the same table in-process.)
 */
import path from "node:path";
import { expect, test, type APIRequestContext, type Browser } from "@playwright/test";
import { db, type Role } from "../lib/db";
import { ACTIONS, PAGES, ROUTES, type PageEntry } from "../lib/authz/access-table";
import { appPages, appRoutes } from "../lib/authz/app-inventory";
import { can, ROLES, type Permission } from "../lib/authz/permissions";
import { makeApiKey, makePerson, makeTeam, type Person } from "../test/factories";
import { builtActions, callAction } from "./support/server-actions";
import { signInThroughForm } from "./support/session";

const ROOT = path.resolve(import.meta.dirname, "..");

type Caller = "anonymous" | "outsider" | Role;

test("the table lists every page, route handler and server action of the app, and nothing else", () => {
  const pages = appPages(ROOT);
  const routes = appRoutes(ROOT);
  const actions = [...builtActions(ROOT).keys()];
  const missing = (found: string[], table: object) => found.filter((x) => !(x in table));
  const stale = (found: string[], table: object) => Object.keys(table).filter((x) => !found.includes(x));
  expect(missing(pages, PAGES), "add these pages to lib/authz/access-table.ts").toEqual([]);
  expect(stale(pages, PAGES), "stale page entries").toEqual([]);
  expect(missing(routes, ROUTES), "add these routes to lib/authz/access-table.ts").toEqual([]);
  expect(stale(routes, ROUTES), "stale route entries").toEqual([]);
  expect(missing(actions, ACTIONS), "add these server actions to lib/authz/access-table.ts").toEqual([]);
  expect(stale(actions, ACTIONS), "stale action entries").toEqual([]);
});

test.describe.serial("as every caller", () => {
  let team: Awaited<ReturnType<typeof makeTeam>>;
  let outsider: Person;
  const callers = new Map<Caller, APIRequestContext>();

  async function signedIn(browser: Browser, person: Person): Promise<APIRequestContext> {
    const context = await browser.newContext();
    const page = await context.newPage();
    await signInThroughForm(page, person.email, person.password);
    await page.close();
    return context.request;
  }

  test.beforeAll(async ({ browser, playwright }) => {
    test.setTimeout(120_000);
    team = await makeTeam();
    outsider = await makePerson("outsider");
    callers.set("anonymous", await playwright.request.newContext({ baseURL: test.info().project.use.baseURL }));
    callers.set("outsider", await signedIn(browser, outsider));
    for (const role of ROLES) callers.set(role, await signedIn(browser, team.people[role]));
  });

  function expectedPage({ access, ok = 200, signedIn: whenSignedIn }: PageEntry, caller: Caller): number | "sign-in" {
    if (access === "public") return caller === "anonymous" ? ok : (whenSignedIn ?? ok);
    if (caller === "anonymous") return "sign-in";
    if (access === "user") return ok;
    if (caller === "outsider") return 404;
    return can(caller, access as Permission) ? ok : 403;
  }

  test("pages", async () => {
    const failures: string[] = [];
    for (const [pattern, entry] of Object.entries(PAGES)) {
      const url = pattern.replace("[workspace]", team.workspace.slug).replace("[token]", "inv_matrix-token").replace("[id]", "does-not-exist");
      for (const [caller, request] of callers) {
        const response = await request.get(url, { maxRedirects: 0 });
        const expected = expectedPage(entry, caller);
        const actual = response.status();
        const ok = expected === "sign-in" ? [302, 303, 307].includes(actual) && (response.headers().location ?? "").includes("/sign-in") : actual === expected;
        if (!ok) failures.push(`${pattern} as ${caller}: expected ${expected}, got ${actual}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("server actions", async () => {
    const ids = builtActions(ROOT);
    const page = `/w/${team.workspace.slug}/settings`;
    const failures: string[] = [];
    for (const [name, entry] of Object.entries(ACTIONS)) {
      if (entry.access === "public") continue; // sign-in, sign-up, sign-out: for everyone by definition
      const id = ids.get(name)!;
      const args = [null, { workspace: team.workspace.slug, ...entry.sample }];
      for (const [caller, request] of callers) {
        const { result } = await callAction(request, page, id, args);
        const error = (result as { ok?: boolean; error?: { code: string; gate?: string } } | undefined)?.error;
        let expected: string | null;
        if (caller === "anonymous") expected = "unauthorized";
        else if (entry.access === "user") expected = null;
        else if (caller === "outsider") expected = "workspace";
        else expected = can(caller, entry.access as Permission) ? null : "permission";
        const actual = error?.code === "unauthorized" ? "unauthorized" : (error?.gate ?? null);
        if (actual !== expected) failures.push(`${name} as ${caller}: expected ${expected ?? "to pass the gate"}, got ${JSON.stringify(result)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("route handlers and API routes", async ({ playwright }) => {
    const viewer = await db().membership.findUniqueOrThrow({ where: { workspaceId_userId: { workspaceId: team.workspace.id, userId: team.people.VIEWER.id } } });
    const ids: Record<string, string> = { viewerMembershipId: viewer.id, missingId: "does-not-exist", workspace: team.workspace.slug };
    const keys = new Map<Caller, string>([["outsider", await makeApiKey(outsider, "OWNER")]]);
    for (const role of ROLES) keys.set(role, await makeApiKey(team.people.OWNER, role));
    const request = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
    const fill = (url: string) => url.replace(/:(\w+)/g, (_, id: string) => ids[id]!);

    const failures: string[] = [];
    for (const [name, entry] of Object.entries(ROUTES)) {
      const method = name.split(" ")[0]!;
      const send = (url: string, headers: Record<string, string>) =>
        request.fetch(fill(url), { method, headers, maxRedirects: 0, ...(entry.body ? { data: entry.body } : {}) }).then((r) => r.status());
      if (entry.auth === "none") {
        const status = await send(entry.call, {});
        if (status !== entry.ok) failures.push(`${name} (public): expected ${entry.ok}, got ${status}`);
        continue;
      }
      if (entry.auth === "session") {
        for (const [caller, context] of callers) {
          const response = await context.fetch(fill(entry.call), { method, maxRedirects: 0 });
          const status = response.status();
          const toSignIn = (response.headers().location ?? "").includes("/sign-in");
          const expected =
            caller === "anonymous" ? (entry.anonymous ?? "sign-in") : entry.access === "user" ? entry.ok : caller === "outsider" ? 404 : can(caller, entry.access as Permission) ? entry.ok : 403;
          const ok = expected === "sign-in" ? status === 303 && toSignIn : status === expected && !toSignIn;
          if (!ok) failures.push(`${name} as ${caller}: expected ${expected}, got ${status}`);
        }
        continue;
      }
      const anonymous = await send(entry.call, {});
      if (anonymous !== 401) failures.push(`${name} without a key: expected 401, got ${anonymous}`);
      if (entry.outsiderCall) {
        const status = await send(entry.outsiderCall, { authorization: `Bearer ${keys.get("outsider")}` });
        if (status !== 404) failures.push(`${name} as outsider: expected 404, got ${status}`);
      }
      for (const role of ROLES) {
        const status = await send(entry.call, { authorization: `Bearer ${keys.get(role)}` });
        const expected = can(role, entry.access as Permission) ? entry.ok : 403;
        if (status !== expected) failures.push(`${name} as ${role}: expected ${expected}, got ${status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
