/**
 * One call to the QuickBooks Online Accounting API over typed fetch, always through the shared
 * HTTP layer (rate limits, 429 waits, retries, one token refresh on 401, timeouts). Owns the
 * URL shape (`/v3/company/{realmId}/...?minorversion=75`), the headers, zod parsing of the answer
 * and the classification of QuickBooks Faults into ProviderError kinds by status and error code.
 * https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes
 */
import type { z } from "zod";
import type { ProviderSettings } from "../config";
import { kindOfStatus, ProviderError, retryAfterSeconds, type ProviderErrorKind } from "../errors";
import { callProvider, PROVIDER_LIMITS } from "../http";
import type { ClientContext } from "../types";
import { faultBody, gatewayFaultBody } from "./schemas";

/** https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/minor-versions */
export const MINOR_VERSION = "75";

/** Intuit's error codes, from the error-codes page; compared as numbers ("003001" is 3001). */
const CODE = {
  authenticationFailed: 3200,
  authorizationFailed: 3100,
  throttled: 3001,
  objectNotFound: 610,
  staleObject: 5010,
  duplicateName: 6240,
  duplicateDocNumber: 6140,
} as const;

function kindOfFault(status: number, code: number | null, type: string | null): ProviderErrorKind {
  if (status === 429 || code === CODE.throttled) return "rate_limited";
  if (status === 401 || code === CODE.authenticationFailed) return "unauthorized";
  if (status === 403 || code === CODE.authorizationFailed) return "forbidden";
  if (code === CODE.staleObject) return "stale";
  // QuickBooks answers an unknown or deleted Id with 400 and code 610, not a 404.
  if (code === CODE.objectNotFound) return "not_found";
  if (code === CODE.duplicateName || code === CODE.duplicateDocNumber) return "conflict";
  if (status >= 500 || type === "SystemFault") return "server";
  return kindOfStatus(status);
}

/** A non-2xx answer as a ProviderError; the body may be either Fault shape, or HTML from a load balancer. */
export function faultError(status: number, text: string, headers: Headers): ProviderError {
  let first: { message: string | null; detail: string | null; code: string | null } | null = null;
  let type: string | null = null;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON: classified by status alone */
  }
  const upper = faultBody.safeParse(json);
  const lower = gatewayFaultBody.safeParse(json);
  if (upper.success) {
    const e = upper.data.Fault.Error[0];
    type = upper.data.Fault.type ?? null;
    if (e) first = { message: e.Message ?? null, detail: e.Detail ?? null, code: e.code == null ? null : String(e.code) };
  } else if (lower.success) {
    const e = lower.data.fault.error[0];
    type = lower.data.fault.type ?? null;
    if (e) first = { message: e.message ?? null, detail: e.detail ?? null, code: e.code == null ? null : String(e.code) };
  }
  const numeric = first?.code && /^\d+$/.test(first.code) ? Number(first.code) : null;
  const kind = kindOfFault(status, numeric, type);
  const words = [first?.message, first?.detail].filter(Boolean).join(": ") || `HTTP ${status}`;
  return new ProviderError("quickbooks", kind, `QuickBooks ${first?.code ?? status}: ${words}`, {
    status,
    ...(first?.code ? { code: first.code } : {}),
    ...(kind === "rate_limited" ? { retryAfterSeconds: retryAfterSeconds(headers.get("retry-after")) ?? 60 } : {}),
  });
}

/** fetch itself failed: the request may never have left, or the timeout fired. */
export function transportError(error: unknown): ProviderError {
  const name = error instanceof Error ? error.name : "";
  if (name === "TimeoutError" || name === "AbortError") return new ProviderError("quickbooks", "timeout", "QuickBooks did not answer in time");
  return new ProviderError("quickbooks", "network", `QuickBooks could not be reached: ${error instanceof Error ? error.message : String(error)}`);
}

/** Anything else thrown inside a call is a bug or a broken answer, not worth retrying. */
export function classify(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError("quickbooks", "invalid", error instanceof Error ? error.message : String(error));
}

export function unexpected(what: string, issue: unknown): ProviderError {
  const detail = issue instanceof Error ? issue.message : String(issue);
  return new ProviderError("quickbooks", "invalid", `QuickBooks answered ${what} in an unexpected shape: ${detail.slice(0, 500)}`, { code: "unexpected_response" });
}

/** Maps provider JSON, turning a payload that does not fit into a ProviderError (never a guessed value). */
export function mapped<T>(what: string, map: () => T): T {
  try {
    return map();
  } catch (error) {
    throw unexpected(what, error);
  }
}

/** Query strings with %20 for spaces: Intuit documents URL-encoded queries, not form encoding. */
export function queryString(params: Record<string, string>): string {
  return new URLSearchParams(params).toString().replace(/\+/g, "%20");
}

export type CallInput<S extends z.ZodType> = {
  method: "GET" | "POST";
  /** After /v3/company/{realmId}, e.g. "/invoice/12". */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  schema: S;
  /** Safe to repeat: every read, and writes carrying a requestid. */
  idempotent: boolean;
};

export type Api = {
  realmId: string;
  call<S extends z.ZodType>(input: CallInput<S>): Promise<z.output<S>>;
};

export function createApi(settings: ProviderSettings<"quickbooks">, context: ClientContext): Api {
  const base = `${settings.urls.api}/v3/company/${encodeURIComponent(context.accountId)}`;
  return {
    realmId: context.accountId,
    async call({ method, path, query = {}, body, schema, idempotent }) {
      // After a 401 the layer asks once for a refreshed token; this call then uses it.
      let refreshed: string | null = null;
      return callProvider(
        context.connectionKey,
        PROVIDER_LIMITS.quickbooks,
        {
          idempotent,
          classify,
          onUnauthorized: async () => {
            refreshed = await context.accessToken(true);
          },
        },
        async (signal) => {
          const token = refreshed ?? (await context.accessToken());
          const url = `${base}${path}?${queryString({ ...query, minorversion: MINOR_VERSION })}`;
          const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${token}` };
          if (body !== undefined) headers["content-type"] = "application/json";
          let response: Response;
          let text: string;
          try {
            response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
            text = await response.text();
          } catch (error) {
            throw transportError(error);
          }
          if (!response.ok) throw faultError(response.status, text, response.headers);
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch (error) {
            throw unexpected(`${method} ${path}`, error);
          }
          const parsed = schema.safeParse(json);
          if (!parsed.success) throw unexpected(`${method} ${path}`, parsed.error);
          return parsed.data;
        },
      );
    },
  };
}
