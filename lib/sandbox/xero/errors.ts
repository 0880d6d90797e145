/**
 * Xero's error answers. Two families exist on the wire: the API gateway's problem documents
 * (401/403/429/5xx: `{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthenticationUnsuccessful",
 * "Instance":"<uuid>","Extensions":{}}`) and the Accounting API's ApiException documents
 * (400: `{"ErrorNumber":10,"Type":"ValidationException","Message":...,"Elements":[...]}`).
 * A missing object is a bare text 404.
 * https://developer.xero.com/documentation/api/accounting/responsecodes
 */
import { randomUUID } from "node:crypto";
import { json, type SandboxResponse } from "../core/http";

export function problem(status: number, title: string, detail: string, headers: Record<string, string> = {}): SandboxResponse {
  return json(status, { Type: null, Title: title, Status: status, Detail: detail, Instance: randomUUID(), Extensions: {} }, headers);
}

/** Missing, unknown, revoked or expired token; `detail` is AuthenticationUnsuccessful or TokenExpired: …. */
export function unauthorized(detail = "AuthenticationUnsuccessful"): SandboxResponse {
  return problem(401, "Unauthorized", detail, { "www-authenticate": 'Bearer error="invalid_token"' });
}

/** The token is valid but its scopes do not cover this endpoint. */
export function insufficientScope(): SandboxResponse {
  return problem(401, "Unauthorized", "AuthorizationUnsuccessful");
}

/** The xero-tenant-id header is missing or names an organisation the token was not granted. */
export function forbidden(): SandboxResponse {
  return problem(403, "Forbidden", "AuthenticationUnsuccessful");
}

export function notFound(): SandboxResponse {
  return { status: 404, body: "The resource you're looking for cannot be found", headers: { "content-type": "text/plain; charset=utf-8" } };
}

const LIMIT_HEADER: Record<string, string> = { minute: "X-MinLimit-Remaining", day: "X-DayLimit-Remaining", appminute: "X-AppMinLimit-Remaining" };

/** 429 with Retry-After and X-Rate-Limit-Problem (minute, day, appminute or concurrent). */
export function rateLimited(retryAfterSeconds: number, rule: string): SandboxResponse {
  const problemName = rule === "concurrency" ? "concurrent" : rule;
  const exhausted = LIMIT_HEADER[problemName];
  return problem(429, "Too Many Requests", `You've exceeded the per ${problemName} rate limit`, {
    "Retry-After": String(retryAfterSeconds),
    "X-Rate-Limit-Problem": problemName,
    ...(exhausted ? { [exhausted]: "0" } : {}),
  });
}

export function serverError(status: 500 | 503): SandboxResponse {
  return status === 500
    ? problem(500, "An error occurred", "An error occurred in Xero. Check the API Status page http://status.developer.xero.com for current service status.")
    : problem(503, "Service Unavailable", "The Xero API is currently unavailable. Please try again soon.");
}

/** Xero refuses request bodies over 3.5 MB. */
export const MAX_REQUEST_BYTES = 3.5 * 1024 * 1024;

export function tooLarge(): SandboxResponse {
  return problem(413, "Request Entity Too Large", "The request body is larger than the 3.5 MB Xero accepts.");
}

type ApiExceptionType = "ValidationException" | "PostDataInvalidException" | "QueryParseException" | "NoDataProcessedException";
const ERROR_NUMBER: Record<ApiExceptionType, number> = { ValidationException: 10, PostDataInvalidException: 14, QueryParseException: 16, NoDataProcessedException: 17 };

function apiException(type: ApiExceptionType, message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return json(400, { ErrorNumber: ERROR_NUMBER[type], Type: type, Message: message, ...extra });
}

/** Each element is the submitted object echoed back with its ValidationErrors. */
export function validationException(elements: unknown[]): SandboxResponse {
  return apiException("ValidationException", "A validation exception occurred", { Elements: elements });
}

/** The body could not be read into the object model (bad JSON, a string where a number goes...). */
export function postDataInvalid(message: string): SandboxResponse {
  return apiException("PostDataInvalidException", message);
}

export function queryParseError(message: string): SandboxResponse {
  return apiException("QueryParseException", message);
}

export function noDataProcessed(entity: string): SandboxResponse {
  return apiException("NoDataProcessedException", `No data has been processed for this endpoint. This endpoint is expecting ${entity} data to be specifed in the request body.`);
}

/**
 * The same Idempotency-Key with a different request. Xero documents keys (128 characters, 24 h)
 * but not this answer; 422 follows the IETF Idempotency-Key draft it is modelled on.
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
 */
export function idempotencyMismatch(): SandboxResponse {
  return problem(422, "Unprocessable Entity", "This Idempotency-Key was already used with a different request.");
}

export function idempotencyKeyTooLong(): SandboxResponse {
  return problem(400, "Bad Request", "The Idempotency-Key header must be 128 characters or fewer.");
}
