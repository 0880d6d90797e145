/**
 * Test data made through lib, the same code the app runs: unique people and workspaces per
 * test, so tests never depend on each other or on order.
 */
import { randomBytes } from "node:crypto";
import { signUp } from "../lib/accounts/users";
import type { Role } from "../lib/db";
import { addMember } from "../lib/members";
import { createApiKey } from "../lib/api-keys";
import type { WorkspaceContext } from "../lib/authz/context";
import type { WorkspaceSummary } from "../lib/workspaces";

export const PASSWORD = "correct-horse-battery";

export function uniqueEmail(label = "user"): string {
  return `${label}-${randomBytes(4).toString("hex")}@example.test`;
}

export type Person = { id: string; email: string; password: string; workspace: WorkspaceSummary };

export async function makePerson(label = "user"): Promise<Person> {
  const email = uniqueEmail(label);
  const { user, workspace } = await signUp({ name: label, email, password: PASSWORD });
  return { id: user.id, email, password: PASSWORD, workspace };
}


/** A workspace with one person per role (the owner made it). */
export async function makeTeam(): Promise<{ workspace: WorkspaceSummary; people: Record<Role, Person> }> {
  const owner = await makePerson("owner");
  const people = { OWNER: owner } as Record<Role, Person>;
  for (const role of ["ADMIN", "MEMBER", "VIEWER"] as const) {
    const person = await makePerson(role.toLowerCase());
    await addMember(contextOf(owner), person.email, role);
    people[role] = person;
  }
  return { workspace: owner.workspace, people };
}

export async function makeApiKey(owner: Person, role: Role): Promise<string> {
  return (await createApiKey(contextOf(owner), { name: `e2e ${role}`, role })).key;
}

export function contextOf(person: Person, role: Role = "OWNER", workspace: WorkspaceSummary = person.workspace): WorkspaceContext {
  return { workspace, role, actor: { type: "USER", id: person.id, label: person.email } };
}
