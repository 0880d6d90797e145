/** Helpers for the Xero sandbox tests: start it in-process, make organisations, call it over HTTP. */
import { AccountingApi } from "xero-node";
import { Sandbox } from "../core/sandbox";
import { xeroSandbox } from "./index";
import type { XeroData } from "./types";

export type Harness = { sandbox: Sandbox<XeroData>; url: string; close: () => Promise<void> };

export async function startXero(): Promise<Harness> {
  const sandbox = new Sandbox(xeroSandbox);
  const server = await sandbox.listen(0);
  return { sandbox, url: server.url, close: () => server.close() };
}

export type Tenant = { tenantId: string; token: string; refreshToken: string };

export async function newTenant(url: string, name?: string): Promise<Tenant> {
  const res = await fetch(`${url}/_sandbox/accounts`, { method: "POST", body: JSON.stringify(name ? { name } : {}) });
  const body = (await res.json()) as { accountId: string; accessToken: string; refreshToken: string };
  return { tenantId: body.accountId, token: body.accessToken, refreshToken: body.refreshToken };
}

export type Reply = { status: number; headers: Headers; text: string; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One request the way a plain HTTP client would send it. */
export async function call(
  url: string,
  method: string,
  path: string,
  opts: { tenant?: Tenant; token?: string; tenantId?: string; body?: unknown; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  const token = opts.token ?? opts.tenant?.token;
  const tenantId = opts.tenantId ?? opts.tenant?.tenantId;
  if (token) headers.authorization = `Bearer ${token}`;
  if (tenantId) headers["xero-tenant-id"] = tenantId;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await fetch(`${url}${path}`, { method, headers, body: payload, signal: opts.signal });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* text answers (404) stay text */
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** xero-node's AccountingApi pointed at the sandbox. */
export function accountingApi(url: string, token: string): AccountingApi {
  const api = new AccountingApi();
  api.basePath = `${url}/api.xro/2.0`;
  api.accessToken = token;
  return api;
}

/** xero-node rejects with a JSON string of {response: {statusCode, body, headers}}. */
export async function sdkError(promise: Promise<unknown>): Promise<{ statusCode: number; body: any; headers: Record<string, string> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    await promise;
  } catch (error) {
    const parsed = typeof error === "string" ? JSON.parse(error) : error;
    return parsed.response;
  }
  throw new Error("expected the SDK call to fail");
}

export const invoice = (overrides: Record<string, unknown> = {}) => ({
  Type: "ACCREC",
  Contact: { Name: "Acme Ltd" },
  Date: "2026-03-01",
  DueDate: "2026-03-31",
  Status: "AUTHORISED",
  LineItems: [{ Description: "Consulting", Quantity: 2, UnitAmount: 50, AccountCode: "200" }],
  ...overrides,
});
