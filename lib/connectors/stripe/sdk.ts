/**
 * The stripe-node client as the connector uses it: pinned API version, base URL from settings (the
 * real API or the sandbox), no SDK retries (the shared HTTP layer decides), one timeout; every
 * call through `callProvider` with the connection's access token; Stripe's errors turned into
 * ProviderErrors by class and status, never by message.
 * https://docs.stripe.com/api/errors/handling
 */
import Stripe from "stripe";
import { ProviderError, retryAfterSeconds } from "../errors";
import type { ProviderSettings } from "../config";
import { callProvider, PROVIDER_LIMITS, STRIPE_LIVE_LIMITS } from "../http";
import type { ClientContext } from "../types";

/** The version stripe-node 23.1.0 is generated for; the schemas and mappers are written for it. */
export const API_VERSION = "2026-10-28.endive" as const;
export const TIMEOUT_MS = 30_000;

export type StripeSettings = ProviderSettings<"stripe">;

/** One SDK instance per key and base URL: building one costs more than a request to a local server. */
const instances = new Map<string, Stripe>();
const MAX_INSTANCES = 500;

export function stripeSdk(settings: StripeSettings, apiKey: string): Stripe {
  const cacheKey = `${settings.urls.api}\n${apiKey}`;
  const cached = instances.get(cacheKey);
  if (cached) return cached;
  if (instances.size >= MAX_INSTANCES) instances.delete(instances.keys().next().value!);
  const instance = createSdk(settings, apiKey);
  instances.set(cacheKey, instance);
  return instance;
}

function createSdk(settings: StripeSettings, apiKey: string): Stripe {
  const url = new URL(settings.urls.api);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return new Stripe(apiKey, {
    apiVersion: API_VERSION,
    host: url.hostname,
    port: url.port || (protocol === "http" ? 80 : 443),
    protocol,
    maxNetworkRetries: 0,
    httpClient: Stripe.createFetchHttpClient(),
    timeout: TIMEOUT_MS,
    telemetry: false,
  });
}

/** Turns whatever a Stripe call threw into a ProviderError. */
export function classify(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    const details = { status, code: error.code };
    const fail = (kind: ProviderError["kind"], extra: { retryAfterSeconds?: number } = {}) => new ProviderError("stripe", kind, error.message, { ...details, ...extra });
    // https://docs.stripe.com/rate-limits: a 429 with Retry-After (the SDK also files a 400 with code rate_limit here)
    if (error instanceof Stripe.errors.StripeRateLimitError || status === 429) return fail("rate_limited", { retryAfterSeconds: retryAfterSeconds(error.headers?.["retry-after"]) });
    if (error instanceof Stripe.errors.StripeConnectionError) {
      const timedOut = (error.detail as { code?: unknown } | undefined)?.code === "ETIMEDOUT";
      return fail(timedOut ? "timeout" : "network");
    }
    // The same key with other parameters: another request already owns this key.
    if (error instanceof Stripe.errors.StripeIdempotencyError) return fail("conflict");
    if (error instanceof Stripe.errors.StripeAuthenticationError || status === 401) return fail("unauthorized");
    if (error instanceof Stripe.errors.StripePermissionError || status === 403) return fail("forbidden");
    // A 404 for an id in the path, a 400 with resource_missing for an id passed as a parameter.
    if (error.code === "resource_missing" || status === 404) return fail("not_found");
    if (error instanceof Stripe.errors.StripeAPIError || (status !== undefined && status >= 500)) return fail("server");
    return fail("invalid");
  }
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) return new ProviderError("stripe", "timeout", error.message);
  return new ProviderError("stripe", "network", error instanceof Error ? error.message : String(error));
}

/**
 * Stripe's clock at the time of an answer, from its `Date` header (stripe-node's fetch client
 * exposes the fetch Response as `lastResponse`), so fetched versions and event times share one
 * clock. Falls back to ours when the header is missing.
 */
export function serverSeconds(answer: unknown): number {
  const headers = (answer as { lastResponse?: { headers?: unknown } } | null)?.lastResponse?.headers;
  const date = headers instanceof Headers ? headers.get("date") : typeof headers === "object" && headers !== null ? (headers as Record<string, unknown>).date : undefined;
  const ms = typeof date === "string" ? Date.parse(date) : Number.NaN;
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000);
}

/**
 * Whether Stripe answered a request carrying an idempotency key with the answer it gave the key's
 * first request (`Idempotent-Replayed: true`): what that request did was done before this call.
 * https://docs.stripe.com/api/idempotent_requests
 */
export function replayed(answer: unknown): boolean {
  const headers = (answer as { lastResponse?: { headers?: unknown } } | null)?.lastResponse?.headers;
  const value = headers instanceof Headers ? headers.get("idempotent-replayed") : typeof headers === "object" && headers !== null ? (headers as Record<string, unknown>)["idempotent-replayed"] : undefined;
  return value === "true";
}

export type StripeCall = <T>(fn: (stripe: Stripe, options: Stripe.RequestOptions) => Promise<T>, write?: { idempotencyKey: string }) => Promise<T>;

/**
 * Calls for one connection, within its mode's rate limit: the connected account's OAuth access token is its API key, read
 * fresh for every attempt so the retry after a 401 uses the refreshed one. Reads are safe to
 * repeat; writes are only made with an idempotency key, so they are too. The SDK's own timeout
 * bounds each attempt (it takes no AbortSignal).
 */
export function stripeCaller(settings: StripeSettings, context: ClientContext): StripeCall {
  return async (fn, write) =>
    callProvider(
      context.connectionKey,
      // A live-mode key (sk_live_, rk_live_) has live mode's limits.
      /^(sk|rk)_live_/.test(await context.accessToken()) ? STRIPE_LIVE_LIMITS : PROVIDER_LIMITS.stripe,
      {
        idempotent: true,
        timeoutMs: TIMEOUT_MS,
        classify,
        onUnauthorized: async () => {
          await context.accessToken(true);
        },
      },
      async () => fn(stripeSdk(settings, await context.accessToken()), write ? { idempotencyKey: write.idempotencyKey } : {}),
    );
}
