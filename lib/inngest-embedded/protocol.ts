/**
 * The executor's side of the Inngest SDK's HTTP protocol (inngest 4.x serve handlers): the
 * in-band sync (PUT with `x-inngest-sync-kind: in_band` answers the app's function configs)
 * and run requests (POST `?fnId=&stepId=` with the event, the memoized step results and the
 * run context; 206 answers step ops, 200 the function's result, 500 a retryable error, 400 a
 * final one). Requests are signed like Inngest Cloud's, so the app checks every call.
 *
 * Traps kept here: step results are keyed by the sha1 hex of the step id (the ops' `id`), and
 * `ctx.fn_id` is never sent (it switches the SDK to checkpointing against an API this executor
 * does not have).
 */
import { createHmac, createHash } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { z } from "zod";

export type SerializedError = { name: string; message: string; stack?: string } & Record<string, unknown>;

export type StepResult = { type: "data"; data: unknown } | { type: "error"; error: SerializedError };

export type EventPayload = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  v?: string;
  user?: unknown;
};

export const opSchema = z.looseObject({
  id: z.string().min(1),
  op: z.string().min(1),
  name: z.string().optional(),
  displayName: z.string().optional(),
  opts: z.record(z.string(), z.unknown()).optional(),
  data: z.unknown().optional(),
  error: z.unknown().optional(),
});

export type Op = z.infer<typeof opSchema>;

export type RunRequest = {
  functionId: string;
  /** "step" to discover (and run a lone new step at once), or a step's hashed id to run it. */
  stepId: string;
  runId: string;
  event: EventPayload;
  steps: Record<string, StepResult>;
  /** Hashed step ids in the order their results arrived. */
  stack: string[];
  attempt: number;
  maxAttempts: number;
  disableImmediateExecution: boolean;
};

export type RunResponse =
  | { kind: "ops"; ops: Op[]; retryAfterMs?: number }
  | { kind: "completed"; data: unknown }
  | { kind: "failed"; error: SerializedError; retriable: boolean; retryAfterMs?: number };

/** The sha1 hex the SDK keys a step by. */
export function hashStepId(id: string): string {
  return createHash("sha1").update(id).digest("hex");
}

/** JSON with sorted keys (RFC 8785), which is what the SDK signs and verifies. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined && typeof v !== "function")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/** `t=<unix seconds>&s=<hex HMAC-SHA256(body + t)>` keyed by the signing key without its prefix. */
export function signBody(body: string, signingKey: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000).toString();
  const key = signingKey.replace(/^signkey-\w+-/, "");
  return `t=${t}&s=${createHmac("sha256", key).update(body + t).digest("hex")}`;
}

/** What the SDK sends as `Authorization: Bearer` when it registers: the prefix + sha256 of the hex key. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = /^signkey-\w+-/.exec(signingKey)?.[0] ?? "";
  return `${prefix}${createHash("sha256").update(Buffer.from(signingKey.slice(prefix.length), "hex")).digest("hex")}`;
}

type RawResponse = { status: number; headers: http.IncomingHttpHeaders; text: string };

/**
 * One HTTP exchange with node:http rather than fetch: a step may run for many minutes, longer
 * than fetch's built-in five-minute header timeout.
 */
function exchange(url: URL, method: string, headers: Record<string, string>, body: string, timeoutMs: number, signal?: AbortSignal): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const transport = url.protocol === "https:" ? https : http;
    const req = transport.request(url, { method, headers: { ...headers, "content-length": Buffer.byteLength(body).toString() }, signal, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return undefined;
  }
}

export function toSerializedError(value: unknown, fallback: string): SerializedError {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const message = typeof record.message === "string" ? record.message : typeof record.error === "string" ? record.error : fallback;
    return { ...record, name: typeof record.name === "string" ? record.name : "Error", message };
  }
  return { name: "Error", message: typeof value === "string" && value ? value : fallback };
}

/** Retry-After as the SDK sends it: whole seconds, or an ISO date (RetryAfterError). */
function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export type ServeClientOptions = {
  serveUrl: string;
  signingKey: string;
  /** Longest a single request may take (a step's run time). */
  timeoutMs?: number;
};

/** Talks to the app's serve endpoint (`/api/inngest`). */
export class ServeClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: ServeClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 15 * 60_000;
  }

  private signed(body: string): Record<string, string> {
    return { "content-type": "application/json", "x-inngest-signature": signBody(body, this.options.signingKey, Date.now()) };
  }

  /** In-band sync: the configs of every function the app serves. */
  async sync(signal?: AbortSignal): Promise<unknown[]> {
    const body = canonicalJson({ url: this.options.serveUrl });
    const res = await exchange(new URL(this.options.serveUrl), "PUT", { ...this.signed(body), "x-inngest-sync-kind": "in_band" }, body, 60_000, signal);
    const parsed = parseJson(res.text) as { functions?: unknown } | undefined;
    if (res.status !== 200 || !Array.isArray(parsed?.functions)) {
      throw new Error(`the app answered the sync with ${res.status}${res.text ? `: ${res.text.slice(0, 300)}` : ""}`);
    }
    return parsed.functions;
  }

  /** One run request; network failures and unexpected answers come back as retryable failures. */
  async call(request: RunRequest, signal?: AbortSignal): Promise<RunResponse> {
    const url = new URL(this.options.serveUrl);
    url.searchParams.set("fnId", request.functionId);
    url.searchParams.set("stepId", request.stepId);
    const body = canonicalJson({
      event: request.event,
      events: [request.event],
      steps: request.steps,
      ctx: {
        run_id: request.runId,
        attempt: request.attempt,
        max_attempts: request.maxAttempts,
        disable_immediate_execution: request.disableImmediateExecution,
        use_api: false,
        stack: { stack: request.stack, current: Math.max(0, request.stack.length - 1) },
      },
      version: 2,
    });
    let res: RawResponse;
    try {
      res = await exchange(url, "POST", this.signed(body), body, this.timeoutMs, signal);
    } catch (error) {
      return { kind: "failed", retriable: true, error: toSerializedError(error instanceof Error ? { name: error.name, message: error.message } : error, "request failed") };
    }
    const json = parseJson(res.text);
    const noRetry = res.headers["x-inngest-no-retry"] === "true";
    const after = retryAfterMs(res.headers["retry-after"], Date.now());
    if (res.status === 206) {
      const ops = z.array(opSchema).safeParse(Array.isArray(json) ? json : [json]);
      if (ops.success) return { kind: "ops", ops: ops.data, retryAfterMs: after };
      return { kind: "failed", retriable: true, error: { name: "ProtocolError", message: `unreadable step ops: ${res.text.slice(0, 300)}` } };
    }
    if (res.status === 200) return { kind: "completed", data: json === undefined ? res.text : json };
    if (res.status === 400) return { kind: "failed", retriable: false, error: toSerializedError(json, "the function failed") };
    if (res.status === 401) return { kind: "failed", retriable: false, error: { name: "SignatureError", message: "the app refused the executor's request signature (INNGEST_SIGNING_KEY differs?)" } };
    if (res.status === 500) return { kind: "failed", retriable: !noRetry, error: toSerializedError(json, "the function failed"), retryAfterMs: after };
    return { kind: "failed", retriable: true, error: { name: "HttpError", message: `the serve endpoint answered ${res.status}: ${res.text.slice(0, 200)}` } };
  }
}
