/**
 * The one way this connector calls HubSpot: @hubspot/api-client pointed at the configured base
 * URL with its own retries off, every call through the shared HTTP layer (limits, 429s, retries,
 * one refresh on 401, timeouts), and the SDK's errors classified by status and HubSpot's
 * error `category`, never by message text.
 * https://developers.hubspot.com/docs/api/error-handling
 * https://developers.hubspot.com/docs/api/usage-details
 */
import { Client } from "@hubspot/api-client";
import type { ProviderSettings } from "../config";
import { kindOfStatus, ProviderError, retryAfterSeconds, type ProviderErrorKind } from "../errors";
import { callProvider, PROVIDER_LIMITS, type Limits } from "../http";
import type { ClientContext } from "../types";
import { apiExceptionSchema, errorBodySchema } from "./schemas";

export type HubspotSettings = ProviderSettings<"hubspot">;

/**
 * HubSpot's 429 without a Retry-After: the general limit is a rolling 10-second window.
 * https://developers.hubspot.com/docs/api/usage-details#rate-limits
 */
const TEN_SECOND_WINDOW = 10;

/**
 * The search endpoints have their own limit, 5 requests per second per portal, on top of the
 * general one. The window is a little wider than a second so that a few milliseconds of network
 * jitter don't turn our fifth and sixth request into one HubSpot second.
 */
export const SEARCH_LIMITS: Limits = { windows: [{ max: 5, ms: 1_050 }] };

const CATEGORY_KINDS: Record<string, ProviderErrorKind> = {
  RATE_LIMITS: "rate_limited",
  INVALID_AUTHENTICATION: "unauthorized",
  EXPIRED_AUTHENTICATION: "unauthorized",
  MISSING_SCOPES: "forbidden",
  OBJECT_NOT_FOUND: "not_found",
  VALIDATION_ERROR: "invalid",
  CONFLICT: "conflict",
};

/** Whatever the SDK (or fetch under it) threw, as a ProviderError. */
export function classifyHubspot(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  const api = error instanceof Error ? apiExceptionSchema.safeParse(error) : null;
  if (api?.success) {
    const { code: status, headers } = api.data;
    const body = errorBodySchema.parse(api.data.body);
    // The OAuth endpoints put their error code in `status` ("BAD_REFRESH_TOKEN"), CRM errors in `category`.
    const code = body.category ?? body.status ?? body.error;
    let kind: ProviderErrorKind = (body.category && CATEGORY_KINDS[body.category]) || kindOfStatus(status);
    // A 5xx is the server's whatever the body says; a 429 is a rate limit whatever the body says.
    if (status >= 500) kind = "server";
    if (status === 429) kind = "rate_limited";
    const details = {
      status,
      code,
      ...(kind === "rate_limited" ? { retryAfterSeconds: retryAfterSeconds(headers["retry-after"]) ?? TEN_SECOND_WINDOW } : {}),
    };
    return new ProviderError("hubspot", kind, `HubSpot answered ${status}${code ? ` ${code}` : ""}: ${body.message ?? "no message"}`, details);
  }
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return new ProviderError("hubspot", "timeout", `HubSpot did not answer in time: ${error.message}`);
  // fetch rejects with a TypeError when the connection fails (DNS, refused, reset).
  if (error instanceof TypeError) return new ProviderError("hubspot", "network", `Could not reach HubSpot: ${error.message}`);
  // Anything else (an unparseable body from a proxy, for one) is treated as a server fault.
  return new ProviderError("hubspot", "server", `HubSpot call failed: ${error instanceof Error ? error.message : String(error)}`);
}

/**
 * The SDK takes no AbortSignal, so a call that outlives its timeout is abandoned: we stop waiting
 * and the http layer decides (a timed-out write is retried only when it is safe to repeat).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * An SDK client for one access token. `numberOfApiCallRetries: 0` and no limiter: the shared
 * HTTP layer retries and limits. The SDK keeps its decorators in a process-wide singleton that
 * every `new Client` overwrites and that is applied when an API object is first built, so the
 * API objects are built right here, synchronously after the constructor, with ours (none).
 */
export function sdk(settings: HubspotSettings, accessToken?: string) {
  const client = new Client({ ...(accessToken ? { accessToken } : {}), basePath: settings.urls.api, numberOfApiCallRetries: 0 });
  return {
    objects: client.crm.objects.basicApi,
    search: client.crm.objects.searchApi,
    associations: client.crm.associations.v4.batchApi,
    oauth: client.oauth,
  };
}
export type Sdk = ReturnType<typeof sdk>;

/** Calls for one connection: the access token from the vault, the connection's limits. */
export class HubspotApi {
  private cached: { token: string; sdk: Sdk } | null = null;

  constructor(
    readonly settings: HubspotSettings,
    private readonly context: ClientContext,
  ) {}

  private sdkFor(token: string): Sdk {
    if (this.cached?.token !== token) this.cached = { token, sdk: sdk(this.settings, token) };
    return this.cached.sdk;
  }

  /** A call counted against HubSpot's general limit (100 per 10 s per portal and app). */
  call<T>(options: { idempotent: boolean }, fn: (api: Sdk) => Promise<T>): Promise<T> {
    let forced: string | null = null;
    return callProvider(
      this.context.connectionKey,
      PROVIDER_LIMITS.hubspot,
      {
        idempotent: options.idempotent,
        classify: classifyHubspot,
        onUnauthorized: async () => {
          forced = await this.context.accessToken(true);
        },
      },
      async (signal) => abortable(fn(this.sdkFor(forced ?? (await this.context.accessToken()))), signal),
    );
  }

  /**
   * A search: its own gate (5 per second) outside, the general gate inside. The inner call makes
   * one attempt and hands every failure to the outer one, which pauses the search gate on a 429
   * and refreshes the token once on a 401.
   * https://developers.hubspot.com/docs/api/crm/search#limitations
   */
  search<T>(fn: (api: Sdk) => Promise<T>): Promise<T> {
    let forced: string | null = null;
    return callProvider(
      `${this.context.connectionKey}:search`,
      SEARCH_LIMITS,
      {
        idempotent: true,
        classify: classifyHubspot,
        onUnauthorized: async () => {
          forced = await this.context.accessToken(true);
        },
      },
      () =>
        callProvider(this.context.connectionKey, PROVIDER_LIMITS.hubspot, { idempotent: true, classify: classifyHubspot, maxAttempts: 1 }, async (signal) =>
          abortable(fn(this.sdkFor(forced ?? (await this.context.accessToken()))), signal),
        ),
    );
  }
}

/** True for a ProviderError meaning "no such record". */
export function isNotFound(error: unknown): boolean {
  return error instanceof ProviderError && error.kind === "not_found";
}
