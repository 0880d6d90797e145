/** Errors the connectors raise, classified by kind (from status codes and provider error codes, never message text). */
import type { ProviderId } from "./types";

/**
 * `unsupported`: the provider has no such record or operation at all (HubSpot invoices have no
 * refunds); asking again never helps, and no other input would either.
 */
export type ProviderErrorKind = "rate_limited" | "unauthorized" | "forbidden" | "not_found" | "conflict" | "stale" | "invalid" | "unsupported" | "server" | "network" | "timeout";

export class ProviderError extends Error {
  constructor(
    readonly provider: ProviderId,
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { status?: number; code?: string; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = "ProviderError";
  }

  /** Worth another try: the request never took effect, or repeating it is harmless. */
  get transient(): boolean {
    return this.kind === "rate_limited" || this.kind === "server" || this.kind === "network" || this.kind === "timeout";
  }
}

/** The provider refused the refresh token: a person must connect again. */
export class ReauthRequiredError extends Error {
  constructor(readonly provider: ProviderId, reason: string) {
    super(`${provider} needs to be connected again: ${reason}`);
    this.name = "ReauthRequiredError";
  }
}

/** A webhook body that is not the provider's shape. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookPayloadError";
  }
}

/** Classifies an HTTP status the way every provider means it. */
export function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return "rate_limited";
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 409) return "conflict";
  if (status === 408) return "timeout";
  if (status >= 500) return "server";
  return "invalid";
}

/** Retry-After in seconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
