/**
 * Helpers for the Xero connector's integration tests: the Xero sandbox in-process, settings that
 * point the connector at it, organisations with ready tokens, a tiny token vault, and raw calls
 * for arranging data behind the connector's back.
 */
import { randomUUID } from "node:crypto";
import { requireSettings } from "../config";
import { resetGates } from "../http";
import type { ClientContext, Connector, TokenSet } from "../types";
import { createSandbox } from "../../sandbox";
import type { XeroSettings } from "./api";
import type { XeroClientOptions } from "./client";
import { createXeroConnector } from "./index";

export const WEBHOOK_KEY = "xero-test-webhook-key";

export type Harness = {
  url: string;
  settings: XeroSettings;
  connector: Connector;
  control: (path: string, body: unknown) => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stats: () => Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close: () => Promise<void>;
};

export async function startHarness(clientOptions: Partial<XeroClientOptions> = {}): Promise<Harness> {
  const sandbox = createSandbox("xero");
  const server = await sandbox.listen(0);
  const settings = requireSettings("xero", { CONCORD_PROVIDERS: "sandbox", SANDBOX_XERO_PORT: String(server.port), XERO_WEBHOOK_KEY: WEBHOOK_KEY });
  const control = async (path: string, body: unknown) => (await fetch(`${server.url}/_sandbox/${path}`, { method: "POST", body: JSON.stringify(body) })).json();
  return {
    url: server.url,
    settings,
    connector: createXeroConnector(() => settings, clientOptions),
    control,
    stats: async () => (await fetch(`${server.url}/_sandbox/stats`)).json(),
    close: async () => {
      resetGates();
      await server.close();
    },
  };
}

export type Org = { tenantId: string; tokens: TokenSet };

/** An organisation made through the control API, with a token for it (all scopes). */
export async function newOrg(h: Harness, name?: string): Promise<Org> {
  const body = await h.control("accounts", name ? { name } : {});
  return { tenantId: body.accountId, tokens: { accessToken: body.accessToken, refreshToken: body.refreshToken, expiresAt: null, scope: null } };
}

/** The connection's side of the vault: hands out the token, refreshes through the connector when asked. */
export function vault(h: Harness, org: Org) {
  let current = org.tokens;
  const state = { refreshes: 0 };
  const context: ClientContext = {
    accountId: org.tenantId,
    connectionKey: `xero-test:${randomUUID()}`,
    accessToken: async (forceRefresh) => {
      if (forceRefresh) {
        current = await h.connector.oauth.refresh(current);
        state.refreshes += 1;
      }
      return current.accessToken;
    },
  };
  return { context, state, client: h.connector.client(context) };
}

export type Raw = { status: number; body: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A call straight to the sandbox, as another Xero user or app would make it. */
export async function raw(h: Harness, org: Org, method: string, path: string, body?: unknown): Promise<Raw> {
  const res = await fetch(`${h.url}/api.xro/2.0${path}`, {
    method,
    headers: { authorization: `Bearer ${org.tokens.accessToken}`, "xero-tenant-id": org.tenantId, accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
