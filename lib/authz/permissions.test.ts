import { describe, expect, it } from "vitest";
import { can, canAssignRole, PERMISSIONS, ROLES } from "./permissions";

describe("permissions", () => {
  it("gives owners every permission and viewers only reading", () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) expect(can("OWNER", permission)).toBe(true);
    const viewer = (Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]).filter((p) => can("VIEWER", p));
    expect(viewer).toEqual(["workspace:view"]);
  });

  it("keeps roles ordered: what a lower role may do, a higher one may too", () => {
    for (const permission of Object.keys(PERMISSIONS) as (keyof typeof PERMISSIONS)[]) {
      const allowed = ROLES.map((r) => can(r, permission));
      // ROLES is ordered OWNER > ADMIN > MEMBER > VIEWER: once false, never true again.
      expect(allowed.indexOf(false) === -1 || allowed.slice(allowed.indexOf(false)).every((a) => !a)).toBe(true);
    }
  });

  it("lets admins manage everyone but owners, and only owners make owners", () => {
    expect(canAssignRole("ADMIN", "MEMBER", "ADMIN")).toBe(true);
    expect(canAssignRole("ADMIN", null, "VIEWER")).toBe(true);
    expect(canAssignRole("ADMIN", "OWNER", "ADMIN")).toBe(false);
    expect(canAssignRole("ADMIN", "MEMBER", "OWNER")).toBe(false);
    expect(canAssignRole("OWNER", "OWNER", "VIEWER")).toBe(true);
    expect(canAssignRole("MEMBER", "VIEWER", "VIEWER")).toBe(false);
  });
});
