/**
 * GET /connections lists the organisations a token may act on (what clients put in
 * xero-tenant-id); DELETE /connections/{id} disconnects one, after which the app's tokens no
 * longer reach it. Tenantless calls: only the app-wide minute limit applies, and only
 * X-AppMinLimit-Remaining is reported.
 * https://developer.xero.com/documentation/guides/oauth2/tenants
 */
import { randomUUID } from "node:crypto";
import { json, type Router, type SandboxRequest, type SandboxResponse } from "../core/http";
import type { Grant } from "../core/oauth";
import type { Sandbox } from "../core/sandbox";
import { grantOf, LIMITS } from "./auth";
import { rateLimited } from "./errors";
import { connectionDate } from "./dates";
import type { ConnectionRecord, XeroData } from "./types";

/** Runs a tenantless call under the app minute limit. */
function appLimited(sandbox: Sandbox<XeroData>, grant: Grant, run: () => SandboxResponse): SandboxResponse {
  const verdict = sandbox.limiter.take([{ name: "appminute", key: grant.clientId, max: LIMITS.appMinute, windowMs: 60_000 }]);
  if (!verdict.ok) return rateLimited(verdict.retryAfterSeconds, verdict.rule);
  const response = run();
  return { ...response, headers: { ...response.headers, "X-AppMinLimit-Remaining": String(verdict.remaining.appminute ?? 0) } };
}

/** The app's connection to a tenant, made the first time it is seen. */
function connection(sandbox: Sandbox<XeroData>, tenantId: string, clientId: string): ConnectionRecord | null {
  const data = sandbox.data.get(tenantId);
  if (!data) return null;
  let record = data.connections[clientId];
  if (!record) {
    const now = sandbox.clock.now();
    record = { id: randomUUID(), authEventId: randomUUID(), createdDateUtc: now, updatedDateUtc: now };
    data.connections[clientId] = record;
    sandbox.touch();
  }
  return record;
}

function listConnections(req: SandboxRequest, sandbox: Sandbox<XeroData>, grant: Grant): SandboxResponse {
  const authEventId = req.query.get("authEventId")?.toLowerCase();
  const list = grant.accountIds.flatMap((tenantId) => {
    const record = connection(sandbox, tenantId, grant.clientId);
    const account = sandbox.accounts.get(tenantId);
    if (!record || !account || (authEventId && record.authEventId !== authEventId)) return [];
    return [
      {
        id: record.id,
        authEventId: record.authEventId,
        tenantId,
        tenantType: "ORGANISATION",
        tenantName: account.name,
        createdDateUtc: connectionDate(record.createdDateUtc),
        updatedDateUtc: connectionDate(record.updatedDateUtc),
      },
    ];
  });
  return json(200, list);
}

/** Removes the tenant from every token of the app, as Xero does when a connection is deleted. */
function disconnect(sandbox: Sandbox<XeroData>, grant: Grant, connectionId: string): SandboxResponse {
  const tenantId = grant.accountIds.find((t) => sandbox.data.get(t)?.connections[grant.clientId]?.id === connectionId);
  if (!tenantId) return { status: 404, body: "" };
  delete sandbox.data.get(tenantId)!.connections[grant.clientId];
  const { access, refresh } = sandbox.oauth.state;
  for (const token of [...Object.values(access), ...Object.values(refresh)]) {
    if (token.clientId === grant.clientId && token.accountIds.includes(tenantId)) token.accountIds = token.accountIds.filter((t) => t !== tenantId);
  }
  sandbox.touch();
  return { status: 204 };
}

export function connectionRoutes(publicRoutes: Router, sandbox: Sandbox<XeroData>): void {
  publicRoutes
    .add("GET", "/connections", (req) => {
      const grant = grantOf(req, sandbox);
      return "status" in grant ? grant : appLimited(sandbox, grant, () => listConnections(req, sandbox, grant));
    })
    .add("DELETE", "/connections/:id", (req) => {
      const grant = grantOf(req, sandbox);
      return "status" in grant ? grant : appLimited(sandbox, grant, () => disconnect(sandbox, grant, (req.params.id ?? "").toLowerCase()));
    });
}
