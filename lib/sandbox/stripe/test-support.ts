/**
 * Helpers for the Stripe sandbox tests: a sandbox on a free port, accounts through the control
 * API, an SDK client pointed at it, and a local webhook receiver.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { Sandbox } from "../core/sandbox";
import { stripeSandbox, type StripeData } from "./index";

export type Harness = { sandbox: Sandbox<StripeData>; url: string; port: number; close: () => Promise<void> };

export async function startStripe(): Promise<Harness> {
  const sandbox = new Sandbox(stripeSandbox);
  const server = await sandbox.listen(0);
  return { sandbox, url: server.url, port: server.port, close: server.close };
}

export async function control<T = Record<string, unknown>>(h: Harness, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${h.url}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** `live`: a live-mode account (sk_live_ key, 100 requests a second instead of test mode's 25). */
export async function newAccount(h: Harness, name = "Acme Sandbox", live = false): Promise<{ accountId: string; accessToken: string }> {
  return control(h, "POST", "/_sandbox/accounts", { name, ...(live ? { live } : {}) });
}

export function client(h: Harness, key: string, opts: Partial<Stripe.StripeConfig> = {}): Stripe {
  return new Stripe(key, { host: "127.0.0.1", port: h.port, protocol: "http", maxNetworkRetries: 0, ...opts });
}

/** A raw form-encoded call, for what the SDK never sends. */
export async function raw(h: Harness, method: string, path: string, opts: { key?: string | null; body?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key) headers.authorization = `Bearer ${opts.key}`;
  if (opts.body !== undefined && !headers["content-type"]) headers["content-type"] = "application/x-www-form-urlencoded";
  const res = await fetch(`${h.url}${path}`, { method, headers, body: opts.body, redirect: "manual" });
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes, read field by field in assertions
  return { status: res.status, headers: res.headers, text, json: json as Record<string, any> };
}

export type Received = { headers: http.IncomingHttpHeaders; body: string; at: number };

/** A webhook endpoint that records what it receives and answers with `statuses` in turn (then 200). */
export async function receiver(statuses: number[] = []): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const queue = [...statuses];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.writeHead(queue.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/stripe/webhooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
