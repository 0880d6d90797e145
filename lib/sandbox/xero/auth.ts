/**
 * Who a request acts for, and what it may spend. A Xero access token belongs to a grant that may
 * cover several organisations; the `xero-tenant-id` header picks one of them. Limits are per app
 * per organisation (60/minute, 5,000/day, 5 in flight) plus 10,000/minute per app.
 * https://developer.xero.com/documentation/guides/oauth2/limits/
 */
import { header, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { Grant } from "../core/oauth";
import type { Limits, Sandbox } from "../core/sandbox";
import { forbidden, insufficientScope, unauthorized } from "./errors";

export const LIMITS = { minute: 60, day: 5000, concurrent: 5, appMinute: 10_000 } as const;

/** The bearer token of a request, or null. */
export function bearer(req: SandboxRequest): string | null {
  const auth = header(req, "authorization") ?? "";
  const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
  return m ? m[1]! : null;
}

/** The grant behind a bearer token, or Xero's 401 saying why not. */
export function grantOf<D>(req: SandboxRequest, sandbox: Sandbox<D>): Grant | SandboxResponse {
  const token = bearer(req);
  if (!token) return unauthorized();
  const grant = sandbox.oauth.grantFor(token);
  if (grant) return grant;
  const known = sandbox.oauth.state.access[token];
  if (known && !known.revoked) return unauthorized(`TokenExpired: token expired at ${expiryText(known.expiresAt)}`);
  return unauthorized();
}

/** Xero's "MM/dd/yyyy HH:mm:ss" in TokenExpired details. */
function expiryText(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** Scopes that open each resource: granular scopes (apps created from 2026) or the broad legacy ones. */
const SCOPES: Record<string, { write: string[]; read: string[] }> = {
  invoices: { write: ["accounting.invoices", "accounting.transactions"], read: ["accounting.invoices.read", "accounting.transactions.read"] },
  payments: { write: ["accounting.payments", "accounting.transactions"], read: ["accounting.payments.read", "accounting.transactions.read"] },
  contacts: { write: ["accounting.contacts"], read: ["accounting.contacts.read"] },
  organisation: { write: ["accounting.settings"], read: ["accounting.settings.read"] },
  accounts: { write: ["accounting.settings"], read: ["accounting.settings.read"] },
};

const scopeSets = new WeakMap<Grant, Set<string>>();

function allows(grant: Grant, req: SandboxRequest): boolean {
  if (grant.scope === "all") return true; // tokens made by the control API
  let scopes = scopeSets.get(grant);
  if (!scopes) {
    scopes = new Set(grant.scope.split(/\s+/).filter(Boolean));
    scopeSets.set(grant, scopes);
  }
  const resource = req.path.split("/")[3]?.toLowerCase() ?? "";
  const needed = Object.hasOwn(SCOPES, resource) ? SCOPES[resource] : undefined;
  if (!needed) return true;
  const options = req.method === "GET" ? [...needed.write, ...needed.read] : needed.write;
  return options.some((s) => scopes.has(s));
}

export function authenticate<D>(req: SandboxRequest, sandbox: Sandbox<D>): { accountId: string; grant: Grant } | SandboxResponse {
  const grant = grantOf(req, sandbox);
  if ("status" in grant) return grant;
  const tenantId = header(req, "xero-tenant-id")?.trim().toLowerCase();
  if (!tenantId || !grant.accountIds.includes(tenantId) || !sandbox.accounts.has(tenantId)) return forbidden();
  if (!allows(grant, req)) return insufficientScope();
  return { accountId: tenantId, grant };
}

export function limits(_req: SandboxRequest, tenantId: string, grant: Grant | null): Limits {
  const app = grant?.clientId ?? "unknown";
  const key = `${app}|${tenantId}`;
  return {
    windows: [
      { name: "appminute", key: app, max: LIMITS.appMinute, windowMs: 60_000 },
      { name: "day", key, max: LIMITS.day, windowMs: 86_400_000 },
      { name: "minute", key, max: LIMITS.minute, windowMs: 60_000 },
    ],
    concurrency: { key, max: LIMITS.concurrent },
  };
}

export function limitHeaders(remaining: Record<string, number>): Record<string, string> {
  const out: Record<string, string> = {};
  if (remaining.minute !== undefined) out["X-MinLimit-Remaining"] = String(remaining.minute);
  if (remaining.day !== undefined) out["X-DayLimit-Remaining"] = String(remaining.day);
  if (remaining.appminute !== undefined) out["X-AppMinLimit-Remaining"] = String(remaining.appminute);
  return out;
}
