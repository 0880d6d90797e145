/** The shell's badge: open conflicts of the workspace, and only of the workspace. */
import { beforeAll, describe, expect, it } from "vitest";
import { contextOf, makePerson, makeTeam, type Person } from "../../test/factories";
import { makeConflict } from "../../test/notifications";
import { openConflictCount } from "./count";

let team: Awaited<ReturnType<typeof makeTeam>>;
let other: Person;

beforeAll(async () => {
  team = await makeTeam();
  other = await makePerson("other");
  const mine = team.workspace.id;
  for (let i = 0; i < 3; i++) await makeConflict(mine);
  await makeConflict(mine, { status: "RESOLVED" });
  await makeConflict(mine, { status: "IGNORED" });
  for (let i = 0; i < 4; i++) await makeConflict(other.workspace.id);
});

describe("openConflictCount", () => {
  it("counts the workspace's open conflicts only, for every role", async () => {
    for (const role of ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const) {
      expect(await openConflictCount(contextOf(team.people[role], role, team.workspace))).toBe(3);
    }
    expect(await openConflictCount(contextOf(other))).toBe(4);
  });

  it("is 0 for a workspace without conflicts", async () => {
    const fresh = await makePerson("fresh");
    expect(await openConflictCount(contextOf(fresh))).toBe(0);
  });
});
