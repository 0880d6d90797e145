/**
 * Stripe's error answers: `{ error: { type, code?, message, param?, doc_url?, request_log_url } }`
 * with the status the SDK maps to its error classes (400/404 StripeInvalidRequestError, 401
 * StripeAuthenticationError, 402 StripeCardError, 403 StripePermissionError, 429
 * StripeRateLimitError, 5xx StripeAPIError, idempotency_error StripeIdempotencyError).
 * https://docs.stripe.com/api/errors
 */
import { randomBytes } from "node:crypto";
import type { SandboxRequest, SandboxResponse } from "../core/http";
import type { ErrorShapes } from "../core/sandbox";
import { API_VERSION } from "./types";

export type ErrorBody = {
  type: "invalid_request_error" | "api_error" | "card_error" | "idempotency_error";
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  charge?: string;
  payment_intent?: unknown;
};

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += BASE62[b % 62];
  return out;
}

export const newRequestId = () => `req_${randomToken(14)}`;

export function stripeHeaders(requestId: string): Record<string, string> {
  return { "content-type": "application/json", "request-id": requestId, "stripe-version": API_VERSION, "cache-control": "no-cache, no-store" };
}

export function errorResponse(error: StripeApiError, requestId = newRequestId()): SandboxResponse {
  const { body } = error;
  const full = {
    ...body,
    ...(body.code ? { doc_url: `https://stripe.com/docs/error-codes/${body.code.replace(/_/g, "-")}` } : {}),
    request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}`,
  };
  return { status: error.status, body: JSON.stringify({ error: full }), headers: { ...stripeHeaders(requestId), ...error.headers } };
}

const invalid = (status: number, message: string, extra: Partial<ErrorBody> = {}) => new StripeApiError(status, { type: "invalid_request_error", message, ...extra });

/** The errors handlers throw; each is answered by `errorResponse`. */
export const fail = {
  missingParam: (param: string) => invalid(400, `Missing required param: ${param}.`, { code: "parameter_missing", param }),
  invalidParam: (param: string, message: string, code?: string) => invalid(400, message, { ...(code ? { code } : {}), param }),
  unknownParam: (param: string) => invalid(400, `Received unknown parameter: ${param}`, { code: "parameter_unknown", param }),
  /** A URL id that does not exist is a 404; an id passed as a parameter is a 400. */
  noSuch: (kind: string, id: string, param = "id") => invalid(param === "id" ? 404 : 400, `No such ${kind}: '${id}'`, { code: "resource_missing", param }),
  state: (message: string, code?: string, param?: string) => invalid(400, message, { ...(code ? { code } : {}), ...(param ? { param } : {}) }),
  badRequest: (message: string, param?: string) => invalid(400, message, param ? { param } : {}),
  idempotencyMismatch: (key: string) =>
    new StripeApiError(400, {
      type: "idempotency_error",
      message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
    }),
};

/** `sk_test_********************abcd`, as Stripe echoes a key it does not know. */
export function redactKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? key.slice(0, Math.min(4, Math.max(0, key.length - 4)));
  const tail = key.length > prefix.length + 4 ? key.slice(-4) : "";
  return `${prefix}${"*".repeat(Math.max(0, key.length - prefix.length - tail.length))}${tail}`;
}

export function invalidKey(key: string): StripeApiError {
  return invalid(401, `Invalid API Key provided: ${redactKey(key)}`);
}

export const noKey = () =>
  invalid(
    401,
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  );

export const errorShapes: ErrorShapes = {
  unauthorized: (req: SandboxRequest) => errorResponse(invalidKey(bearer(req) ?? "")),
  notFound: (req: SandboxRequest) =>
    errorResponse(invalid(404, `Unrecognized request URL (${req.method}: ${req.path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`)),
  // https://docs.stripe.com/rate-limits: a 429 whose error is an invalid_request_error with code
  // rate_limit (the SDK maps the status to StripeRateLimitError).
  rateLimited: (retryAfterSeconds: number) =>
    errorResponse(
      new StripeApiError(
        429,
        { type: "invalid_request_error", code: "rate_limit", message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits." },
        { "retry-after": String(retryAfterSeconds), "stripe-rate-limited-reason": "global-rate" },
      ),
    ),
  serverError: (status: 500 | 503) =>
    errorResponse(
      new StripeApiError(status, {
        type: "api_error",
        message: status === 500 ? "An unknown error occurred" : "Stripe is temporarily unavailable. Please retry your request.",
      }),
    ),
  tooLarge: () => errorResponse(invalid(413, "Request entity too large. The request body must be under 5 MB.")),
};

/** The secret key from `Authorization: Bearer sk_...` or Basic `sk_...:` (curl -u). */
export function bearer(req: SandboxRequest): string | null {
  const raw = req.headers.authorization;
  const auth = Array.isArray(raw) ? raw[0] : raw;
  if (!auth) return null;
  if (/^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, "").trim();
  if (/^basic\s+/i.test(auth)) {
    const decoded = Buffer.from(auth.replace(/^basic\s+/i, ""), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon < 0 ? decoded : decoded.slice(0, colon);
  }
  return auth.trim();
}
