/**
 * Test support: an in-process sandbox with its control API, a minimal QuickBooks client over
 * fetch the way Intuit documents the calls (Bearer token, JSON, minorversion), a few entity
 * factories, and a local HTTP receiver for webhook deliveries.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "vitest";
import { Sandbox } from "../core/sandbox";
import { quickbooksSandbox } from "./index";
import type { QuickbooksData } from "./types";

/** Answers are arbitrary QuickBooks JSON that tests read with expectations; one loose type keeps them readable. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
export type Answer = { status: number; headers: Headers; body: Json };

export class QboClient {
  constructor(
    readonly base: string,
    readonly realmId: string,
    readonly token: string,
  ) {}

  async call(method: string, path: string, opts: { json?: unknown; text?: string; query?: Record<string, string>; token?: string; realm?: string; signal?: AbortSignal } = {}): Promise<Answer> {
    const url = new URL(`${this.base}/v3/company/${opts.realm ?? this.realmId}${path}`);
    url.searchParams.set("minorversion", "75");
    for (const [k, v] of Object.entries(opts.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${opts.token ?? this.token}` };
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers["content-type"] = "application/json";
      body = typeof opts.json === "string" ? opts.json : JSON.stringify(opts.json);
    } else if (opts.text !== undefined) {
      headers["content-type"] = "application/text";
      body = opts.text;
    }
    const res = await fetch(url, { method, headers, body, signal: opts.signal });
    const raw = await res.text();
    let parsed: unknown = raw;
    try {
      parsed = JSON.parse(raw);
    } catch {
      /* not JSON (the 413 page) */
    }
    return { status: res.status, headers: res.headers, body: parsed };
  }

  get = (path: string, query?: Record<string, string>) => this.call("GET", path, { query });
  post = (path: string, json: unknown, query?: Record<string, string>) => this.call("POST", path, { json, query });
  query = (text: string) => this.call("POST", "/query", { text });

  /** The QueryResponse of a query that must succeed. */
  async rows(text: string, entity: string): Promise<Json[]> {
    const answer = await this.query(text);
    if (answer.status !== 200) throw new Error(`query failed: ${JSON.stringify(answer.body)}`);
    return answer.body.QueryResponse[entity] ?? [];
  }
}

export type Delivery = { headers: http.IncomingHttpHeaders; raw: string };

/** Receives webhook POSTs; `respond` picks each answer's status (default 200). */
export async function receiver(respond: (index: number) => number = () => 200) {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(respond(deliveries.length - 1)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return { url, deliveries, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type TestSandbox = {
  sandbox: Sandbox<QuickbooksData>;
  base: string;
  control(path: string, body?: unknown, method?: string): Promise<{ status: number; body: Json }>;
  /** A new realm with a ready token. */
  realm(name?: string): Promise<QboClient>;
  close(): Promise<void>;
};

export async function startSandbox(): Promise<TestSandbox> {
  const sandbox = new Sandbox(quickbooksSandbox);
  const server = await sandbox.listen(0);
  const base = server.url;
  const control = async (path: string, body?: unknown, method = "POST") => {
    const res = await fetch(`${base}/_sandbox${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const realm = async (name = "Test company") => {
    const { body } = await control("/accounts", { name });
    return new QboClient(base, body.accountId, body.accessToken);
  };
  // Limits run 1000× faster so ordinary tests never meet the 10/s window; tokens still last.
  await control("/oauth", { accessTokenTtlSeconds: 31_536_000 });
  await control("/clock", { scale: 1000 });
  return { sandbox, base, control, realm, close: () => server.close() };
}

export async function customer(qbo: QboClient, DisplayName: string, extra: Record<string, unknown> = {}): Promise<Json> {
  const answer = await qbo.post("/customer", { DisplayName, ...extra });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.Customer;
}

export const salesLine = (Amount: number | string, Qty?: number, UnitPrice?: number | string) => ({
  DetailType: "SalesItemLineDetail",
  Amount,
  Description: "Consulting",
  SalesItemLineDetail: { ItemRef: { value: "1" }, ...(Qty !== undefined ? { Qty, UnitPrice } : {}) },
});

export async function invoice(qbo: QboClient, customerId: string, lines = [salesLine(150, 2, 75)], extra: Record<string, unknown> = {}): Promise<Json> {
  const answer = await qbo.post("/invoice", { CustomerRef: { value: customerId }, Line: lines, ...extra });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.Invoice;
}

/** The first error of a Fault answer. */
export const fault = (answer: { body: Json }): Json => answer.body.Fault.Error[0];
