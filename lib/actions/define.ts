/**
 * Server actions with their rules in one place. A workspace action names its permission and its
 * input schema; the wrapper finds the signed-in person, checks membership of the workspace named
 * in the input (404 otherwise), the permission (403), validates the input (422 with field
 * errors), then runs. `run` takes the person explicitly, so tests can call every action as every
 * role without a browser.
 */
import { z } from "zod";
import { GateError, requireWorkspace, type WorkspaceContext } from "../authz/context";
import type { Permission } from "../authz/permissions";
import { withRequestLogger } from "../log";
import { fail, fromError, invalidInput, type ActionResult } from "./result";

export type Person = { id: string; email: string };
type Raw = Record<string, unknown>;

const workspaceField = z.object({ workspace: z.string().min(1).max(100) });

async function signedInPerson(): Promise<Person | null> {
  // Imported lazily so that tests calling `run` never load Auth.js or Next's request scope.
  const { currentUser } = await import("../auth/session");
  return currentUser();
}

/** Runs the action with the request's id on every log line. */
async function inRequest<T>(fn: () => Promise<T>): Promise<T> {
  const [{ headers }, { requestIdFrom }] = await Promise.all([import("next/headers"), import("../request-id")]);
  return withRequestLogger(requestIdFrom(await headers()), fn);
}

/** After a change, pages under `path` render fresh data on the next visit. */
async function refresh(path: string): Promise<void> {
  const { revalidatePath } = await import("next/cache");
  revalidatePath(path, "layout");
}

function formToObject(form: FormData | Raw): Raw {
  if (!(form instanceof FormData)) return form;
  const out: Raw = {};
  for (const [key, value] of form.entries()) if (!key.startsWith("$ACTION")) out[key] = typeof value === "string" ? value : value.name;
  return out;
}

/** Validates the input (422 with field errors), runs the handler, and turns expected failures into results. */
async function validated<S extends z.ZodType<Raw>, T>(schema: S, raw: Raw, handler: (input: z.output<S>) => Promise<ActionResult<T> | void>): Promise<ActionResult<T>> {
  const input = schema.safeParse(raw);
  if (!input.success) return invalidInput(input.error);
  try {
    return (await handler(input.data)) ?? ({ ok: true, data: undefined } as ActionResult<T>);
  } catch (error) {
    return fromError(error);
  }
}

/** The function a form calls: the signed-in person, the form's fields, then `after` on success. */
function formAction<T>(run: (person: Person, raw: Raw) => Promise<ActionResult<T>>, after: (raw: Raw, result: { ok: true; data: T }) => Promise<void>) {
  return (_previous: unknown, form: FormData | Raw) =>
    inRequest(async (): Promise<ActionResult<T>> => {
      const person = await signedInPerson();
      if (!person) return fail("unauthorized", "Your session has ended. Sign in again.");
      const raw = formToObject(form);
      const result = await run(person, raw);
      if (result.ok) await after(raw, result);
      return result;
    });
}

export type WorkspaceAction<T> = ((previous: unknown, form: FormData | Raw) => Promise<ActionResult<T>>) & {
  kind: "workspace";
  permission: Permission;
  run: (person: Person, raw: Raw) => Promise<ActionResult<T>>;
};

export function workspaceAction<S extends z.ZodType<Raw>, T = undefined>(
  def: { permission: Permission; input: S },
  handler: (ctx: WorkspaceContext, input: z.output<S>) => Promise<ActionResult<T> | void>,
): WorkspaceAction<T> {
  const run = async (person: Person, raw: Raw): Promise<ActionResult<T>> => {
    const target = workspaceField.safeParse(raw);
    if (!target.success) return { ok: false, error: { code: "not_found", message: "No such workspace.", gate: "workspace" } };
    let ctx: WorkspaceContext;
    try {
      ctx = await requireWorkspace(person, target.data.workspace, def.permission);
    } catch (error) {
      if (error instanceof GateError) return { ok: false, error: { code: error.code, message: error.message, gate: error.gate } };
      throw error;
    }
    const { workspace: _slug, ...rest } = raw;
    return validated(def.input, rest, (input) => handler(ctx, input));
  };
  const action = formAction(run, (raw) => refresh(`/w/${String(raw.workspace)}`));
  return Object.assign(action, { kind: "workspace" as const, permission: def.permission, run });
}

export type UserAction<T> = ((previous: unknown, form: FormData | Raw) => Promise<ActionResult<T>>) & {
  kind: "user";
  run: (person: Person, raw: Raw) => Promise<ActionResult<T>>;
};

/** An action for any signed-in person, outside a workspace (account, new workspace, invitations). */
export function userAction<S extends z.ZodType<Raw>, T = undefined>(
  def: { input: S; redirectTo?: (data: T) => string },
  handler: (person: Person, input: z.output<S>) => Promise<ActionResult<T> | void>,
): UserAction<T> {
  const run = (person: Person, raw: Raw) => validated(def.input, raw, (input) => handler(person, input));
  // Pages outside a workspace render fresh on every visit; a redirect takes the person on.
  const action = formAction(run, async (_raw, result) => {
    if (def.redirectTo) (await import("next/navigation")).redirect(def.redirectTo(result.data));
  });
  return Object.assign(action, { kind: "user" as const, run });
}
