/**
 * QuickBooks' error answers. The Accounting API answers faults as
 * `{ Fault: { Error: [{ Message, Detail, code, element }], type }, time }`, HTTP 400 for
 * validation (unknown ids included: code 610, not a 404) and 500 for system faults.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/handling-common-errors
 *
 * The gateway in front of it answers 401/403 in a different, lower-case shape
 * (`{ fault: { error: [{ message, detail, code }], type: "AUTHENTICATION" }, ... }`), as seen in
 * real responses quoted in the SDKs' issue trackers; clients must handle both.
 */
import { randomUUID } from "node:crypto";
import { json, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { ErrorShapes } from "../core/sandbox";
import { responseTime } from "./time";

export type FaultType = "ValidationFault" | "SystemFault" | "SERVICE";
export type FaultError = { Message: string; Detail: string; code: string; element?: string };

/** Thrown by handlers to answer with a fault; caught by the route wrapper and per batch item. */
export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: FaultType,
    readonly error: FaultError,
  ) {
    super(`${error.code} ${error.Message}: ${error.Detail}`);
  }

  body(): { Fault: { Error: FaultError[]; type: FaultType } } {
    return { Fault: { Error: [{ ...this.error }], type: this.type } };
  }
}

const validation = (code: string, Message: string, Detail: string, element = "") => new QboFault(400, "ValidationFault", { Message, Detail, code, element });

/** The standard QuickBooks validation errors (codes from Intuit's common-errors page). */
export const faults = {
  objectNotFound: (detail = "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.") =>
    validation("610", "Object Not Found", detail),
  deleted: () => validation("610", "Object Not Found", "Object Not Found : Another user has deleted this transaction."),
  stale: (user: string) =>
    validation("5010", "Stale Object Error", `Stale Object Error : You and ${user} were working on this at the same time. ${user} finished before you did, so your work was not saved.`),
  required: (param: string) => validation("2020", "Required param missing, need to supply the required value for the API", `Required parameter ${param} is missing in the request`, param),
  invalidProperty: (detail: string, element = "") => validation("2010", "Request has invalid or unsupported property", `Property Name:${detail} specified is unsupported or invalid`, element),
  invalidReference: (detail: string) => validation("2500", "Invalid Reference Id", `Invalid Reference Id : ${detail}`),
  business: (detail: string) => validation("6000", "A business validation error has occurred while processing your request", `Business Validation Error: ${detail}`),
  duplicateName: () =>
    validation("6240", "Duplicate Name Exists Error", "The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name."),
  duplicateDocNumber: (docNumber: string, txnId: string) =>
    validation("6140", "Duplicate Document Number Error", `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=Invoice with TxnId=${txnId}`),
  amountMismatch: (supplied: number) => validation("6070", "Amount calculation incorrect in the request", `Business Validation Error: Amount is not equal to UnitPrice * Qty. Supplied value:${supplied}`),
  unsupported: (detail: string) => validation("500", "Unsupported Operation", `Operation ${detail} is not supported.`),
  queryParser: (detail: string) => validation("4000", "Error parsing query", `QueryParserError: ${detail}`),
  queryValidation: (detail: string) => validation("4001", "Invalid query", `QueryValidationError: ${detail}`),
};

function intuitHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { intuit_tid: randomUUID(), ...extra };
}

/** A successful answer: QuickBooks adds the server `time` to every body. */
export function ok(body: Record<string, unknown>): SandboxResponse {
  return json(200, { ...body, time: responseTime(Date.now()) }, intuitHeaders());
}

export function faultResponse(fault: QboFault, headers: Record<string, string> = {}): SandboxResponse {
  return json(fault.status, { ...fault.body(), time: responseTime(Date.now()) }, intuitHeaders(headers));
}

/** The gateway's lower-case fault (401 AuthenticationFailed, 403 AuthorizationFailed). */
function gatewayFault(status: 401 | 403, code: string, message: string, detail: string | null, type: string): SandboxResponse {
  const body = {
    warnings: null,
    intuitObject: null,
    fault: { error: [{ message, detail, code, element: null }], type },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: Date.now(),
    status: null,
    cdcresponse: [],
  };
  const extra: Record<string, string> = status === 401 ? { "www-authenticate": 'Bearer realm="Intuit", error="invalid_token"' } : {};
  return json(status, body, intuitHeaders(extra));
}

export function authenticationFailed(detail: string): SandboxResponse {
  return gatewayFault(401, "3200", "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail, "AUTHENTICATION");
}

export function authorizationFailed(): SandboxResponse {
  return gatewayFault(403, "3100", "message=AuthorizationFailed; errorCode=003100; statusCode=403", null, "SERVICE");
}

export const errorShapes: ErrorShapes = {
  unauthorized: () => authenticationFailed("Token validation failed"),
  notFound(req: SandboxRequest) {
    // Under the company path QuickBooks names the resource it could not route, with a 400.
    if (req.path.toLowerCase().startsWith("/v3/company/")) {
      return faultResponse(faults.unsupported(`Could not find resource for relative : ${req.path} of full path: ${req.path}`));
    }
    return json(404, { Fault: { Error: [{ Message: "Not Found", Detail: `No resource at ${req.method} ${req.path}`, code: "404" }], type: "SystemFault" }, time: responseTime(Date.now()) }, intuitHeaders());
  },
  rateLimited(retryAfterSeconds: number) {
    // QuickBooks' throttle fault; Intuit advises waiting 60 s. The Retry-After we add reports
    // when the sandbox's window reopens (scaled by the clock).
    const fault = new QboFault(429, "SERVICE", {
      Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429",
      Detail: "The request limit was reached.  Try again later",
      code: "3001",
    });
    return faultResponse(fault, { "retry-after": String(retryAfterSeconds) });
  },
  serverError(status: 500 | 503) {
    const fault = new QboFault(status, "SystemFault", {
      Message: "An application error has occurred while processing your request",
      Detail: status === 503 ? "System Failure Error: The service is temporarily unavailable. Please try again later." : "System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.",
      code: "10000",
    });
    return faultResponse(fault);
  },
  tooLarge() {
    // QuickBooks' load balancer answers oversized bodies with an HTML page, not a Fault.
    return { status: 413, headers: { "content-type": "text/html; charset=iso-8859-1" }, body: "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>413 Request Entity Too Large</title>\n</head><body>\n<h1>Request Entity Too Large</h1>\n</body></html>\n" };
  },
};
