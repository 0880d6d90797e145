/** What a server action answers: data, or the same error shape as the REST API. */
import { z } from "zod";
import { ApiError, type ErrorCode } from "../http/errors";

export type ActionError = { code: ErrorCode; message: string; fields?: Record<string, string[]> };
export type ActionResult<T = undefined> = { ok: true; data: T; message?: string } | { ok: false; error: ActionError };

export function fail(code: ErrorCode, message: string, fields?: Record<string, string[]>): ActionResult<never> {
  return { ok: false, error: { code, message, ...(fields ? { fields } : {}) } };
}

/** zod issues as { field: [messages] }, the shape forms show next to each input. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "_";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

export function invalidInput(error: z.ZodError): ActionResult<never> {
  return fail("unprocessable", "Some fields need attention.", fieldErrors(error));
}

/** Expected failures (ApiError) become results; anything else is a bug and is rethrown. */
export function fromError(error: unknown): ActionResult<never> {
  if (error instanceof ApiError) return fail(error.code, error.message, error.fields);
  throw error;
}
