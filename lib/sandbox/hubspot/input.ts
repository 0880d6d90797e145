/**
 * Request bodies: JSON parsed safely and checked with zod, answering HubSpot's VALIDATION_ERROR
 * for malformed JSON and wrong shapes (HubSpot's wording comes from its Jackson parser).
 */
import { z } from "zod";
import type { SandboxRequest, SandboxResponse } from "../core/http";
import { invalidJson, validation } from "./errors";

/** HubSpot's deserializer takes numbers and booleans for string properties; null clears like "". */
export const propertyValue = z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? "" : String(v)));

export const idValue = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

export function parseBody<S extends z.ZodType>(req: SandboxRequest, schema: S, what: string): { ok: true; value: z.output<S> } | { ok: false; response: SandboxResponse } {
  const raw = req.rawBody.toString("utf8");
  let value: unknown;
  try {
    value = raw.trim() ? JSON.parse(raw) : undefined;
  } catch (error) {
    return { ok: false, response: invalidJson(raw, error instanceof Error ? error.message : "Unexpected input") };
  }
  if (value === undefined) return { ok: false, response: validation(`Invalid input JSON on line 1, column 1: No content to map due to end-of-input for ${what}`) };
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const errors = result.error.issues.slice(0, 10).map((i) => ({ message: i.message, in: i.path.join(".") || what, code: "INVALID_INPUT" }));
  const first = errors[0];
  return { ok: false, response: validation(`Invalid input JSON for ${what}: ${first ? `${first.in}: ${first.message}` : "invalid"}`, { errors }) };
}

/** A query parameter that must be a whole number in [min, max]. */
export function intParam(req: SandboxRequest, name: string, fallback: number, min: number, max: number): { ok: true; value: number } | { ok: false; response: SandboxResponse } {
  const raw = req.query.get(name);
  if (raw === null || raw === "") return { ok: true, value: fallback };
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    return { ok: false, response: validation(`${name} must be an integer between ${min} and ${max}, got ${raw}`, { errors: [{ message: `must be between ${min} and ${max}`, in: name }] }) };
  }
  return { ok: true, value };
}
