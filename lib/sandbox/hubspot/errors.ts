/**
 * HubSpot's error answers. Every CRM error has the same envelope:
 * `{ status: "error", message, correlationId, category, subCategory?, context?, errors? }`;
 * rate limits use their own body (`errorType: "RATE_LIMIT"`, `policyName`), and the OAuth token
 * endpoint its own (`{ status: "BAD_REFRESH_TOKEN", message }`).
 * https://developers.hubspot.com/docs/api/error-handling
 */
import { randomUUID } from "node:crypto";
import { json, type SandboxResponse } from "../core/http";

export type Category =
  | "VALIDATION_ERROR"
  | "OBJECT_NOT_FOUND"
  | "INVALID_AUTHENTICATION"
  | "EXPIRED_AUTHENTICATION"
  | "CONFLICT"
  | "RATE_LIMITS"
  | "INTERNAL_ERROR"
  | "SERVICE_UNAVAILABLE";

export function hubspotError(
  status: number,
  category: Category,
  message: string,
  extra: { context?: Record<string, string[]>; errors?: { message: string; code?: string; in?: string; context?: Record<string, string[]> }[]; subCategory?: string } = {},
): SandboxResponse {
  return json(status, { status: "error", message, correlationId: randomUUID(), category, ...extra });
}

export const AUTH_NOT_FOUND =
  "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

export function unauthorized(): SandboxResponse {
  return hubspotError(401, "INVALID_AUTHENTICATION", AUTH_NOT_FOUND);
}

/** "The OAuth token used to make this call expired 2 hour(s) ago." with the expiry in context. */
export function expired(expiredAgoMs: number, expiredAt: number): SandboxResponse {
  const seconds = Math.max(0, Math.floor(expiredAgoMs / 1000));
  const [amount, unit] =
    seconds >= 86_400 ? [Math.floor(seconds / 86_400), "day"] : seconds >= 3600 ? [Math.floor(seconds / 3600), "hour"] : seconds >= 60 ? [Math.floor(seconds / 60), "minute"] : [seconds, "second"];
  return hubspotError(401, "EXPIRED_AUTHENTICATION", `The OAuth token used to make this call expired ${amount} ${unit}(s) ago.`, {
    context: { "expire time": [new Date(expiredAt).toISOString()] },
  });
}

/** HubSpot answers a numeric id it doesn't know and a non-numeric id with different messages. */
export function objectNotFound(id: string): SandboxResponse {
  const message = /^\d+$/.test(id) ? "resource not found" : "Object not found.  objectId are usually numeric.";
  return hubspotError(404, "OBJECT_NOT_FOUND", message, { context: { id: [id] } });
}

export function validation(message: string, extra: Parameters<typeof hubspotError>[3] = {}): SandboxResponse {
  return hubspotError(400, "VALIDATION_ERROR", message, extra);
}

export type PropertyError = { name: string; error: string; message: string };

/**
 * Bad property values: HubSpot JSON-encodes the per-property results into the message, e.g.
 * `Property values were not valid: [{"isValid":false,"message":"Property \"foo\" does not exist","error":"PROPERTY_DOESNT_EXIST","name":"foo",...}]`.
 */
export function propertyErrors(errors: PropertyError[], portalId: string): SandboxResponse {
  const results = errors.map((e) => ({ isValid: false, message: e.message, error: e.error, name: e.name, localizedErrorMessage: e.message, portalId: Number(portalId) }));
  return validation(`Property values were not valid: ${JSON.stringify(results)}`);
}

/** Malformed JSON, worded like HubSpot's Jackson parser ("Invalid input JSON on line 1, column 9: ..."). */
export function invalidJson(raw: string, cause: string): SandboxResponse {
  const position = Number(/position (\d+)/.exec(cause)?.[1] ?? raw.length);
  const before = raw.slice(0, position).split("\n");
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  return validation(`Invalid input JSON on line ${line}, column ${column}: ${cause}`);
}

/** https://developers.hubspot.com/docs/api/usage-details#rate-limits — the body the SDK's retry decorator keys on. */
export function rateLimited(retryAfterSeconds: number, rule: string): SandboxResponse {
  const search = rule === SEARCH_RULE;
  return json(
    429,
    {
      status: "error",
      message: search ? "You have reached your secondly limit." : "You have reached your ten_secondly_rolling limit.",
      errorType: "RATE_LIMIT",
      correlationId: randomUUID(),
      policyName: search ? "SECONDLY" : "TEN_SECONDLY_ROLLING",
    },
    {
      "retry-after": String(retryAfterSeconds),
      ...(search ? {} : { "x-hubspot-ratelimit-max": String(TEN_SECONDLY_MAX), "x-hubspot-ratelimit-remaining": "0", "x-hubspot-ratelimit-interval-milliseconds": "10000" }),
    },
  );
}

export const TEN_SECONDLY_RULE = "ten_secondly_rolling";
export const SEARCH_RULE = "search_secondly";
export const TEN_SECONDLY_MAX = 100;

export function serverError(status: 500 | 503): SandboxResponse {
  return status === 500
    ? hubspotError(500, "INTERNAL_ERROR", "internal error")
    : hubspotError(503, "SERVICE_UNAVAILABLE", "The service is temporarily unavailable. Please try again later.");
}

export function routeNotFound(path: string): SandboxResponse {
  return hubspotError(404, "OBJECT_NOT_FOUND", `No route found for ${path}`);
}

export function tooLarge(): SandboxResponse {
  return hubspotError(413, "VALIDATION_ERROR", "Request entity too large");
}
