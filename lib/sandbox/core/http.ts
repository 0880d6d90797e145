/**
 * A small HTTP layer for the sandboxes: a router with `:param` segments and a server that turns
 * node:http requests into plain objects. It never lets a handler crash the process: a thrown
 * error becomes the provider's own 500 answer, and any body (huge, binary, malformed) is read
 * safely up to a limit.
 */
import http, { type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type SandboxRequest = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  params: Record<string, string>;
  /** The matched route pattern, e.g. "GET /v1/invoices/:id", for stats. */
  route: string;
};

export type SandboxResponse = {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings and buffers as they are. */
  body?: unknown;
  /** Hold the connection open and never answer (an injected timeout). */
  hang?: boolean;
};

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

type Route = { method: string; pattern: string; parts: string[]; handler: Handler };

export class Router {
  private routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, pattern, parts: pattern.split("/").filter(Boolean), handler });
    return this;
  }

  match(method: string, path: string): { handler: Handler; params: Record<string, string>; route: string } | null {
    const segments = path.split("/").filter(Boolean);
    for (const r of this.routes) {
      if (r.method !== method || r.parts.length !== segments.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < r.parts.length && ok; i++) {
        const part = r.parts[i]!;
        const seg = segments[i]!;
        if (part.startsWith(":")) {
          try {
            params[part.slice(1)] = decodeURIComponent(seg);
          } catch {
            ok = false;
          }
        } else if (part.toLowerCase() !== seg.toLowerCase()) ok = false;
      }
      if (ok) return { handler: r.handler, params, route: `${method} ${r.pattern}` };
    }
    return null;
  }
}

export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, body, headers: { "content-type": "application/json", ...headers } };
}

export function html(status: number, body: string): SandboxResponse {
  return { status, body, headers: { "content-type": "text/html; charset=utf-8" } };
}

export function redirect(location: string): SandboxResponse {
  return { status: 302, headers: { location } };
}

function send(res: http.ServerResponse, out: SandboxResponse): void {
  if (out.hang) return; // the client times out; the socket closes when it gives up
  const headers = { ...out.headers };
  let payload: string | Buffer | undefined;
  if (out.body === undefined || out.body === null) payload = undefined;
  else if (typeof out.body === "string" || Buffer.isBuffer(out.body)) payload = out.body;
  else {
    payload = JSON.stringify(out.body);
    headers["content-type"] ??= "application/json";
  }
  res.writeHead(out.status, headers);
  res.end(payload);
}

export type RunningServer = { url: string; port: number; close: () => Promise<void> };

/** Serves `handle` on 127.0.0.1:`port` (0 picks a free port). */
export async function serve(
  port: number,
  handle: (req: SandboxRequest) => Promise<SandboxResponse>,
  onTooLarge: () => SandboxResponse,
): Promise<RunningServer> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("error", () => res.destroy());
    req.on("end", () => {
      if (tooLarge) return send(res, onTooLarge());
      const url = new URL(req.url ?? "/", "http://sandbox.local");
      const request: SandboxRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        params: {},
        route: "",
      };
      handle(request).then(
        (out) => send(res, out),
        () => send(res, { status: 500, body: "sandbox error" }),
      );
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Body parsers that never throw: providers decide how to answer bad input. */
export function parseJson(req: SandboxRequest): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: req.rawBody.length ? JSON.parse(req.rawBody.toString("utf8")) : undefined };
  } catch {
    return { ok: false };
  }
}

export function parseForm(req: SandboxRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString("utf8"));
}

export function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
