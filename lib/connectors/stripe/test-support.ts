/**
 * Helpers for the Stripe connector's integration tests: the sandbox in-process with settings
 * pointing at it, the Connect consent page driven as a browser would, a minimal token vault
 * (refresh on demand, counted), and a local webhook receiver.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { requireSettings } from "../config";
import { createSandbox, type Sandbox } from "../../sandbox";
import type { StripeData } from "../../sandbox/stripe";
import type { ClientContext, Connector, TokenSet } from "../types";
import { createStripeConnector } from "./index";
import type { StripeSettings } from "./sdk";

export type Harness = {
  sandbox: Sandbox<StripeData>;
  url: string;
  settings: StripeSettings;
  connector: Connector;
  close: () => Promise<void>;
};

export async function startHarness(): Promise<Harness> {
  const sandbox = createSandbox("stripe") as Sandbox<StripeData>;
  const server = await sandbox.listen(0);
  const settings = requireSettings("stripe", { CONCORD_PROVIDERS: "sandbox", SANDBOX_STRIPE_PORT: String(server.port) });
  return { sandbox, url: server.url, settings, connector: createStripeConnector(() => settings), close: server.close };
}

export async function control<T = Record<string, unknown>>(h: Harness, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${h.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** An account made through the control API, with tokens of the sandbox's OAuth client. */
export async function controlAccount(h: Harness, name: string): Promise<{ accountId: string; tokens: TokenSet }> {
  const made = await control<{ accountId: string; accessToken: string; refreshToken: string }>(h, "/_sandbox/accounts", { name });
  return { accountId: made.accountId, tokens: { accessToken: made.accessToken, refreshToken: made.refreshToken, expiresAt: null, scope: null } };
}

const unescape = (s: string) => s.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, "&");

/**
 * Opens the authorize URL, reads the consent form (action and hidden fields) and submits it with
 * the person's choice, as a browser would; answers the redirect back to Concord.
 */
export async function consent(authorizeUrl: string, choice: { decision: "approve" | "deny"; newAccountName?: string }): Promise<URL> {
  const page = await fetch(authorizeUrl);
  if (page.status !== 200) throw new Error(`authorize page answered ${page.status}`);
  const html = await page.text();
  const action = /<form[^>]*method="post"[^>]*action="([^"]*)"/i.exec(html)?.[1];
  if (!action) throw new Error("no consent form on the authorize page");
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, unescape(m[2]!));
  form.set("decision", choice.decision);
  form.set("account", "__new__");
  form.set("new_account_name", choice.newAccountName ?? "Sandbox company");
  const answer = await fetch(new URL(unescape(action), authorizeUrl), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString(), redirect: "manual" });
  const location = answer.headers.get("location");
  if (answer.status !== 302 || !location) throw new Error(`consent answered ${answer.status}`);
  return new URL(location);
}

/** Holds one connection's tokens like the lead's vault will: refresh when asked, and count. */
export function vault(connector: Connector, tokens: TokenSet) {
  const state = { tokens, refreshes: 0 };
  return {
    state,
    context(accountId: string, connectionKey: string): ClientContext {
      return {
        accountId,
        connectionKey,
        accessToken: async (forceRefresh) => {
          if (forceRefresh) {
            state.tokens = await connector.oauth.refresh(state.tokens);
            state.refreshes += 1;
          }
          return state.tokens.accessToken;
        },
      };
    },
  };
}

export type Delivery = { headers: Headers; body: string };

/** A webhook endpoint that keeps what it receives. */
export async function receiver(): Promise<{ url: string; received: Delivery[]; close: () => Promise<void> }> {
  const received: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      received.push({ headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/webhooks/stripe`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
