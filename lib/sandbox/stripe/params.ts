/**
 * Parameter schemas in Stripe's terms: every value arrives as a string (form encoding), integers
 * and booleans are parsed from it, unknown parameters are refused, and each failure becomes the
 * error Stripe gives for it (`parameter_missing`, `parameter_unknown`, `parameter_invalid_integer`,
 * `parameter_invalid_empty`...) with the parameter named in bracket notation.
 * https://docs.stripe.com/error-codes
 */
import { z } from "zod";
import { fail, type StripeApiError } from "./errors";
import type { Params } from "./form";

type Ctx = z.core.$RefinementCtx;
const issue = (ctx: Ctx, message: string, code?: string) => ctx.addIssue({ code: "custom", message, params: code ? { code } : {} });
const MISSING = { missing: true };

/**
 * A leaf value: present (or reported missing), a non-empty string (unless `allowEmpty`: "" is how
 * a form unsets a field), then checked and converted by `convert`.
 */
function leaf<T>(kind: string, convert: (s: string, ctx: Ctx) => T | typeof z.NEVER, allowEmpty = false) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) {
      ctx.addIssue({ code: "custom", message: "missing", params: MISSING });
      return z.NEVER;
    }
    if (typeof value !== "string") {
      issue(ctx, Array.isArray(value) ? `Invalid ${kind}: an array was given` : `Invalid ${kind}: a hash was given`);
      return z.NEVER;
    }
    if (value === "" && !allowEmpty) return issue(ctx, "empty", "parameter_invalid_empty"), z.NEVER;
    return convert(value, ctx);
  });
}

export const str = (max = 5000) =>
  leaf("string", (s, ctx) => {
    if (s.length > max) return issue(ctx, `Invalid string: must be at most ${max} characters`), z.NEVER;
    return s;
  });

/** A non-empty string that must also pass `check` (which names the problem, or answers null). */
export const leafString = (check: (s: string) => string | null, max = 5000, code?: string) =>
  leaf("string", (s, ctx) => {
    const problem = s.length > max ? `Invalid string: must be at most ${max} characters` : check(s);
    return problem ? (issue(ctx, problem, code), z.NEVER) : s;
  });

/** A string that may be unset with "" (answers null). */
export const unsettable = (max = 5000) =>
  leaf("string", (s, ctx) => (s === "" ? null : s.length > max ? (issue(ctx, `Invalid string: must be at most ${max} characters`), z.NEVER) : s), true);

export const int = (opts: { min?: number; max?: number } = {}) =>
  leaf("integer", (s, ctx) => {
    const n = Number(s);
    if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(n)) return issue(ctx, `Invalid integer: ${s}`, "parameter_invalid_integer"), z.NEVER;
    if (opts.min !== undefined && n < opts.min) return issue(ctx, `This value must be greater than or equal to ${opts.min}.`, "parameter_invalid_integer"), z.NEVER;
    if (opts.max !== undefined && n > opts.max) return issue(ctx, `This value must be less than or equal to ${opts.max}.`, "parameter_invalid_integer"), z.NEVER;
    return n;
  });

export const bool = () => leaf("boolean", (s, ctx) => (s === "true" ? true : s === "false" ? false : (issue(ctx, `Invalid boolean: ${s}`), z.NEVER)));

export const oneOf = <const T extends readonly string[]>(values: T) =>
  leaf("string", (s, ctx) => ((values as readonly string[]).includes(s) ? (s as T[number]) : (issue(ctx, `Invalid value: must be one of ${values.join(", ")}`), z.NEVER)));

export const currency = () =>
  leaf("currency", (s, ctx) => (/^[a-zA-Z]{3}$/.test(s) ? s.toLowerCase() : (issue(ctx, `Invalid currency: ${s.toLowerCase()}. Stripe currently supports three-letter ISO currency codes.`), z.NEVER)));

/** A decimal string with at most 12 decimal places (`unit_amount_decimal`). */
export const decimal = () => leaf("decimal", (s, ctx) => (/^-?\d+(\.\d{1,12})?$/.test(s) ? s : (issue(ctx, `Invalid decimal: ${s}`), z.NEVER)));

/** Arrays arrive as `a[0]=x&a[1]=y` (an object of numeric keys) or `a[]=x`. */
export function list<T extends z.ZodType>(item: T, max = 100) {
  return z.preprocess((value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const entries = Object.entries(value);
    if (!entries.every(([k]) => /^\d+$/.test(k))) return value;
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }, z.array(item).max(max));
}

export const expand = () => list(str(500), 50).optional();

/**
 * `metadata[key]=value` (at most 50 keys of 40 characters, values of 500). An empty value deletes
 * that key on update; `metadata=` (empty) clears them all, answered as null.
 * https://docs.stripe.com/api/metadata
 */
export const metadata = () =>
  z
    .union([z.literal(""), z.record(z.string(), z.unknown())])
    .transform((value, ctx) => {
      if (value === "") return null;
      const entries = Object.entries(value);
      if (entries.length > 50) return issue(ctx, "Metadata can have up to 50 keys, but you passed in " + entries.length + " keys."), z.NEVER;
      const out: Record<string, string> = {};
      for (const [k, v] of entries) {
        if (typeof v !== "string") return issue(ctx, `Invalid metadata value for ${k}: must be a string`), z.NEVER;
        if (k.length > 40) return issue(ctx, `Metadata keys can have up to 40 characters, but you passed in a key that is ${k.length} characters long.`), z.NEVER;
        if (v.length > 500) return issue(ctx, `Metadata values can have up to 500 characters, but you passed in a value that is ${v.length} characters long.`), z.NEVER;
        out[k] = v;
      }
      return out;
    })
    .optional();

/** `created=123` or `created[gte]=123&created[lt]=456`. */
export const range = () =>
  z
    .union([int({ min: 0 }), z.strictObject({ gt: int().optional(), gte: int().optional(), lt: int().optional(), lte: int().optional() })])
    .transform((v) => (typeof v === "number" ? { gte: v, lte: v } : v))
    .optional();

export type Range = { gt?: number; gte?: number; lt?: number; lte?: number } | undefined;
export const inRange = (value: number | null, r: Range): boolean =>
  !r || (value !== null && (r.gt === undefined || value > r.gt) && (r.gte === undefined || value >= r.gte) && (r.lt === undefined || value < r.lt) && (r.lte === undefined || value <= r.lte));

export const listParams = {
  limit: int({ min: 1, max: 100 }).optional(),
  starting_after: str(500).optional(),
  ending_before: str(500).optional(),
  expand: expand(),
};

/** Applies `metadata` from a create or update to an object's metadata. */
export function mergeMetadata(current: Record<string, string>, change: Record<string, string> | null | undefined): Record<string, string> {
  if (change === undefined) return current;
  if (change === null) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(change)) {
    if (v === "") delete next[k];
    else next[k] = v;
  }
  return next;
}

const bracketed = (path: PropertyKey[]) => path.map((p, i) => (i === 0 ? String(p) : `[${String(p)}]`)).join("");

function at(raw: unknown, path: PropertyKey[]): unknown {
  let node = raw;
  for (const p of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PropertyKey, unknown>)[p];
  }
  return node;
}

/** The first problem, in the order Stripe reports them: unknown, missing, then invalid. */
export function toStripeError(issues: z.core.$ZodIssue[], raw: Params): StripeApiError {
  for (const i of issues) if (i.code === "unrecognized_keys") return fail.unknownParam(bracketed([...i.path, i.keys[0]!]));
  for (const i of issues) {
    const missing = (i.code === "custom" && i.params?.missing === true) || (i.code === "invalid_type" && at(raw, i.path) === undefined);
    if (missing) return fail.missingParam(bracketed(i.path));
  }
  const first = issues[0]!;
  const param = bracketed(first.path);
  if (first.code === "custom") {
    const code = typeof first.params?.code === "string" ? first.params.code : undefined;
    if (code === "parameter_invalid_empty") {
      return fail.invalidParam(param, `You passed an empty string for '${param}'. We assume empty values are an attempt to unset a parameter; however '${param}' cannot be unset. You should remove '${param}' from your request or supply a non-empty value.`, code);
    }
    return fail.invalidParam(param, first.message, code);
  }
  if (first.code === "invalid_type") return fail.invalidParam(param, first.expected === "array" ? `Invalid array` : first.expected === "object" ? `Invalid hash` : `Invalid ${param}`);
  if (first.code === "too_big") return fail.invalidParam(param, `Invalid ${param}: too many values`);
  return fail.invalidParam(param, `Invalid ${param}`);
}

export function parseParams<S extends z.ZodType>(schema: S, raw: Params): z.output<S> {
  const result = schema.safeParse(raw);
  if (!result.success) throw toStripeError(result.error.issues, raw);
  return result.data;
}
