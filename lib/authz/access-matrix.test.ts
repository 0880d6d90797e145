/**
 * The access matrix for server actions: every action of the app is in the table, and calling it
 * as a member of another workspace and as each role gives what the table says. Pages and route
 * handlers are held to the same table over HTTP in e2e/access-matrix.spec.ts.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { ActionResult } from "../actions/result";
import type { Person as Caller } from "../actions/define";
import { makePerson, makeTeam, type Person } from "../../test/factories";
import type { Role } from "../db";
import { ACTIONS } from "./access-table";
import { appActions, inlineServerActions } from "./app-inventory";
import { can, ROLES, type Permission } from "./permissions";

const ROOT = path.resolve(import.meta.dirname, "../..");

type Runnable = { kind: string; permission?: Permission; run: (caller: Caller, raw: Record<string, unknown>) => Promise<ActionResult<unknown>> };

async function load(id: string): Promise<Runnable> {
  const [file, name] = id.split("#") as [string, string];
  const mod = (await import(path.join(ROOT, file))) as Record<string, Runnable>;
  return mod[name]!;
}

const gateRefusal = (r: ActionResult<unknown>) => (r.ok ? null : (r.error.gate ?? null));

describe("server action access matrix", () => {
  it("lists every server action of the app, and nothing else", () => {
    const inventory = appActions(ROOT);
    expect(inventory.filter((id) => !(id in ACTIONS)), "add these actions to lib/authz/access-table.ts").toEqual([]);
    expect(Object.keys(ACTIONS).filter((id) => !inventory.includes(id)), "these table entries match no action").toEqual([]);
  });

  it("keeps server actions in actions files, where the table can see them", () => {
    expect(inlineServerActions(ROOT)).toEqual([]);
  });

  let team: { workspace: { slug: string }; people: Record<Role, Person> };
  let outsider: Person;
  beforeAll(async () => {
    team = await makeTeam();
    outsider = await makePerson("outsider");
  });

  const workspaceActions = Object.entries(ACTIONS).filter(([, e]) => e.access !== "public" && e.access !== "user");
  const userActions = Object.entries(ACTIONS).filter(([, e]) => e.access === "user");

  it.each(userActions)("%s needs only a signed-in person", async (id) => {
    expect((await load(id)).kind).toBe("user");
  });

  describe.each(workspaceActions)("%s", (id, entry) => {
    it("declares the permission of the table", async () => {
      const action = await load(id);
      expect(action.kind).toBe("workspace");
      expect(action.permission).toBe(entry.access);
    });

    it("answers 404 to a member of another workspace", async () => {
      const result = await (await load(id)).run(outsider, { workspace: team.workspace.slug, ...entry.sample });
      expect(result).toMatchObject({ ok: false, error: { code: "not_found", gate: "workspace" } });
    });

    it.each(ROLES)("as %s: allowed or 403 as the table says", async (role) => {
      const person = team.people[role];
      const result = await (await load(id)).run(person, { workspace: team.workspace.slug, ...entry.sample });
      const allowed = can(role, entry.access as Permission);
      expect(gateRefusal(result)).toBe(allowed ? null : "permission");
      if (!allowed) expect(result).toMatchObject({ ok: false, error: { code: "forbidden" } });
    });
  });
});
