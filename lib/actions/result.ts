/** What a server action answers: data, or the same error shape as the REST API. */
import type { z } from "zod";
import { ApiError, type ErrorCode } from "../http/errors";
import { fieldErrors } from "../validation";

/** `gate` says which check refused the call before the action ran: membership or role. */
export type ActionError = { code: ErrorCode; message: string; fields?: Record<string, string[]>; gate?: "workspace" | "permission" };
export type ActionResult<T = undefined> = { ok: true; data: T; message?: string } | { ok: false; error: ActionError };

export function fail(code: ErrorCode, message: string, fields?: Record<string, string[]>): ActionResult<never> {
  return { ok: false, error: { code, message, ...(fields ? { fields } : {}) } };
}

export function invalidInput(error: z.ZodError): ActionResult<never> {
  return fail("unprocessable", "Some fields need attention.", fieldErrors(error));
}

/** Expected failures (ApiError) become results; anything else is a bug and is rethrown. */
export function fromError(error: unknown): ActionResult<never> {
  if (error instanceof ApiError) return fail(error.code, error.message, error.fields);
  throw error;
}
