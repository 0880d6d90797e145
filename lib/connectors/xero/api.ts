/**
 * How the Xero connector reaches Xero. Every call goes through the shared HTTP layer
 * (callProvider: per-tenant limits, 429/Retry-After, retries, one refresh on 401, timeouts).
 * The accounting API goes through xero-node's AccountingApi (axios underneath, no retries of its
 * own); the identity server and /connections, which xero-node hard-codes to Xero's hosts, go
 * through fetch. Errors are classified by status and Xero's error codes, never by message text.
 * https://developer.xero.com/documentation/api/accounting/responsecodes
 */
import { createHash } from "node:crypto";
import { AccountingApi, type Authentication } from "xero-node";
import type { z } from "zod";
import type { ProviderSettings } from "../config";
import { kindOfStatus, ProviderError, retryAfterSeconds } from "../errors";
import { callProvider, PROVIDER_LIMITS, type Limits } from "../http";
import type { ClientContext } from "../types";
import { apiExceptionSchema, oauthErrorSchema, problemSchema } from "./schemas";

export type XeroSettings = ProviderSettings<"xero">;

/**
 * Tenantless calls (token endpoint, /connections) are not counted per organisation; only the
 * app-wide 10,000/minute applies. https://developer.xero.com/documentation/guides/oauth2/limits/
 */
export const APP_LIMITS: Limits = { windows: [{ max: 10_000, ms: 60_000 }] };
export const APP_CONNECTION_KEY = "xero:app";

type HeaderLookup = (name: string) => string | undefined;

/** A non-2xx answer from a fetch-based call. */
export class XeroHttpError extends Error {
  constructor(
    readonly status: number,
    readonly header: HeaderLookup,
    readonly body: unknown,
  ) {
    super(`Xero answered ${status}`);
    this.name = "XeroHttpError";
  }
}

/** xero-node rejects with a JSON string of `{response: {statusCode, body, headers}}` (see its ApiError). */
type SdkFailure = { status: number; header: HeaderLookup; body: unknown };

function lookup(headers: unknown): HeaderLookup {
  if (headers instanceof Headers) return (name) => headers.get(name) ?? undefined;
  const entries = headers && typeof headers === "object" ? Object.entries(headers as Record<string, unknown>) : [];
  const map = new Map(entries.map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(", ") : v == null ? undefined : String(v)]));
  return (name) => map.get(name.toLowerCase());
}

function sdkFailure(error: unknown): SdkFailure | null {
  let value = error;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!value || typeof value !== "object" || !("response" in value)) return null;
  const response = (value as { response: unknown }).response;
  if (!response || typeof response !== "object") return null;
  const r = response as { statusCode?: unknown; status?: unknown; headers?: unknown; body?: unknown; data?: unknown };
  const status = Number(r.statusCode ?? r.status ?? 0);
  return { status: Number.isFinite(status) ? status : 0, header: lookup(r.headers), body: r.body ?? r.data };
}

/** What Xero said, for people: validation messages, the problem's detail, or the OAuth error. */
function describe(body: unknown): { code?: string; message: string } {
  const exception = apiExceptionSchema.safeParse(body);
  if (exception.success) {
    const messages = (exception.data.Elements ?? []).flatMap((e) => (e.ValidationErrors ?? []).map((v) => v.Message));
    return { code: exception.data.Type, message: messages.length ? messages.join("; ") : (exception.data.Message ?? exception.data.Type) };
  }
  const oauth = oauthErrorSchema.safeParse(body);
  if (oauth.success) return { code: oauth.data.error, message: oauth.data.error_description ?? oauth.data.error };
  const problem = problemSchema.safeParse(body);
  if (problem.success && problem.data.Detail) {
    // "TokenExpired: token expired at 11/21/2026 10:00:00" → code TokenExpired.
    const code = /^[A-Za-z]+/.exec(problem.data.Detail)?.[0];
    return { code, message: problem.data.Detail };
  }
  return { message: typeof body === "string" && body ? body.slice(0, 300) : "no details" };
}

function fromStatus(status: number, header: HeaderLookup, body: unknown): ProviderError {
  const { code, message } = describe(body);
  if (status === 429) {
    // X-Rate-Limit-Problem says which limit: minute, day, appminute or concurrent.
    const problem = header("x-rate-limit-problem");
    return new ProviderError("xero", "rate_limited", `Xero rate limit reached (${problem ?? "unknown"}): ${message}`, {
      status,
      code: problem ?? code,
      retryAfterSeconds: retryAfterSeconds(header("retry-after")),
    });
  }
  // A valid token without the scope for this endpoint: refreshing it would not help.
  if (status === 401 && code === "AuthorizationUnsuccessful") return new ProviderError("xero", "forbidden", `Xero refused the request: ${message}`, { status, code });
  return new ProviderError("xero", kindOfStatus(status), `Xero answered ${status}: ${message}`, { status, code });
}

/** Turns whatever a Xero call threw into a ProviderError. */
export function classify(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof XeroHttpError) return fromStatus(error.status, error.header, error.body);
  const sdk = sdkFailure(error);
  if (sdk && sdk.status > 0) return fromStatus(sdk.status, sdk.header, sdk.body);
  if (sdk) return new ProviderError("xero", "network", `Xero could not be reached: ${typeof sdk.body === "string" ? sdk.body : "no answer"}`);
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return new ProviderError("xero", "timeout", "Xero did not answer in time");
  // fetch reports refused connections, resets and DNS failures as a TypeError.
  if (error instanceof TypeError) return new ProviderError("xero", "network", `Xero could not be reached: ${error.message}`);
  return new ProviderError("xero", "invalid", error instanceof Error ? error.message : String(error));
}

/**
 * Xero keeps an Idempotency-Key for 24 hours and takes at most 128 characters; longer keys (or
 * ones that are not plain ASCII) are replaced by their SHA-256, which is just as stable.
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
 */
export function xeroIdempotencyKey(key: string): string {
  if (key.length > 0 && key.length <= 128 && /^[\x21-\x7e]+$/.test(key)) return key;
  return `sha256-${createHash("sha256").update(key).digest("hex")}`;
}

type SdkResult = { response: { data?: unknown } };

/** Passes the shared layer's abort signal to axios (xero-node takes no request options of its own). */
function withSignal(signal: AbortSignal): Authentication {
  return {
    applyToRequest: (options) => {
      options.signal = signal;
    },
  };
}

/** The tenant-bound API of one connection. */
export class XeroApi {
  constructor(
    readonly settings: XeroSettings,
    readonly context: ClientContext,
  ) {}

  get tenantId(): string {
    return this.context.accountId;
  }

  /**
   * One accounting API call; answers Xero's raw JSON (the SDK's class instances are not used:
   * Concord parses the wire format itself). The access token is fetched outside the shared
   * layer so that a refused refresh (ReauthRequiredError) reaches the caller unchanged.
   */
  async call(opts: { idempotent: boolean }, run: (api: AccountingApi, tenantId: string) => Promise<SdkResult>): Promise<unknown> {
    let token = await this.context.accessToken();
    return callProvider(
      this.context.connectionKey,
      PROVIDER_LIMITS.xero,
      {
        idempotent: opts.idempotent,
        classify,
        onUnauthorized: async () => {
          token = await this.context.accessToken(true);
        },
      },
      async (signal) => {
        const api = new AccountingApi(`${this.settings.urls.api}/api.xro/2.0`);
        api.accessToken = token;
        api.setDefaultAuthentication(withSignal(signal));
        try {
          return (await run(api, this.tenantId)).response.data;
        } catch (error) {
          if (signal.aborted) throw new ProviderError("xero", "timeout", "Xero did not answer in time");
          throw error;
        }
      },
    );
  }
}

/** A fetch that answers parsed JSON for 2xx and throws XeroHttpError otherwise. */
export async function fetchJson(url: string, init: RequestInit & { signal: AbortSignal }): Promise<unknown> {
  const response = await fetch(url, { ...init, headers: { accept: "application/json", ...init.headers } });
  const text = await response.text();
  let body: unknown = text;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      /* text answers stay text */
    }
  }
  if (!response.ok) throw new XeroHttpError(response.status, (name) => response.headers.get(name) ?? undefined, body);
  return body;
}

/** A tenantless call (identity server, /connections) through the shared layer. */
export function appCall<T>(opts: { idempotent: boolean; onUnauthorized?: () => Promise<void> }, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return callProvider(APP_CONNECTION_KEY, APP_LIMITS, { idempotent: opts.idempotent, classify, onUnauthorized: opts.onUnauthorized }, fn);
}

/**
 * Checks a Xero answer against its schema. A shape Concord does not understand is Xero's
 * problem, not the request's: kind "server", with the first issue for whoever reads the logs.
 */
export function parseAnswer<S extends z.ZodType>(schema: S, data: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join(".") || "(root)";
  throw new ProviderError("xero", "server", `Xero's ${what} answer is not in the expected shape at ${path}: ${issue?.message ?? "invalid"}`, { code: "unexpected_response" });
}
