/**
 * One Stripe API endpoint: parameters parsed and validated (a 400 that is never remembered), then
 * the change run once per Idempotency-Key (same key and parameters: the first answer replayed
 * with `Idempotent-Replayed: true`; same key, other parameters: `idempotency_error`), then
 * `expand[]` applied and the answer sent with `Request-Id` and `Stripe-Version`.
 * https://docs.stripe.com/api/idempotent_requests
 */
import type { z } from "zod";
import { header, type SandboxRequest, type SandboxResponse } from "../core/http";
import { fingerprint } from "../core/idempotency";
import type { ApiContext, ApiHandler } from "../core/sandbox";
import { randomId, unixNow, type Ctx } from "./context";
import { errorResponse, fail, newRequestId, StripeApiError, stripeHeaders } from "./errors";
import { expand, render } from "./expand";
import { requestParams, type Params } from "./form";
import { parseParams } from "./params";
import type { StripeData } from "./types";
import { recordEvent } from "./webhooks";

export type Handler<P> = (ctx: Ctx, params: P, req: SandboxRequest, api: ApiContext<StripeData>) => object | string;

/** Canonical text of the parameters, so a replay matches whatever the field order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Params)[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function context(api: ApiContext<StripeData>, requestId: string, key: string | null): Ctx {
  const request = { id: requestId, idempotency_key: key };
  return {
    data: api.data,
    accountId: api.account.id,
    accountName: api.account.name,
    now: unixNow(),
    id: randomId,
    emit: (type, object, previous) => recordEvent(api.sandbox, api.data, api.account.id, request, type, render(object), previous),
  };
}

export function route<S extends z.ZodType>(schema: S, handler: Handler<z.output<S>>): ApiHandler<StripeData> {
  return async (req, api) => {
    const requestId = newRequestId();
    try {
      const raw = requestParams(req);
      if (!raw.ok) throw fail.badRequest(raw.message, raw.param);
      const params = parseParams(schema, raw.params);
      const key = req.method === "POST" ? (header(req, "idempotency-key") ?? null) : null;
      if (key !== null && (key.length === 0 || key.length > 255)) throw fail.badRequest("Idempotency-Key must be between 1 and 255 characters long.", "Idempotency-Key");
      const run = (): SandboxResponse => {
        try {
          const result = handler(context(api, requestId, key), params, req, api);
          const paths = (params as { expand?: string[] }).expand;
          // Invoices show their first 10 lines in every answer, as in lists and events.
          const shown = typeof result === "string" ? result : render(result);
          const body = typeof shown === "string" ? shown : JSON.stringify(paths?.length ? expand(api.data, shown, paths) : shown);
          return { status: 200, body, headers: { ...stripeHeaders(requestId), ...(key ? { "idempotency-key": key } : {}) } };
        } catch (error) {
          if (error instanceof StripeApiError) return errorResponse(error, requestId);
          throw error;
        }
      };
      if (key === null) return run();
      const print = fingerprint(req.method, req.path, canonical(raw.params));
      return await api.sandbox.idempotency.run(`stripe:${api.account.id}`, key, print, run, () => errorResponse(fail.idempotencyMismatch(key), requestId));
    } catch (error) {
      if (error instanceof StripeApiError) return errorResponse(error, requestId);
      throw error;
    }
  };
}
