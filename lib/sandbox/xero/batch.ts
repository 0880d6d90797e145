/**
 * How Xero writes collections: PUT/POST bodies carry many objects (`{"Invoices":[…]}`, or a
 * single bare object), validated one by one. With summarizeErrors=true (the default) one invalid
 * object fails the whole request with a 400 ValidationException and nothing is saved; with
 * summarizeErrors=false the valid ones are saved and the answer is a 200 in which each object
 * carries StatusAttributeString OK or ERROR with its ValidationErrors.
 * Writes may carry an Idempotency-Key (≤ 128 characters, kept 24 h, per organisation).
 * https://developer.xero.com/documentation/api/accounting/requests-and-responses#summarize-errors
 * https://developer.xero.com/documentation/guides/idempotent-requests/idempotency
 */
import type { z } from "zod";
import { header, parseJson, type SandboxRequest, type SandboxResponse } from "../core/http";
import { fingerprint } from "../core/idempotency";
import type { ApiContext } from "../core/sandbox";
import { idempotencyKeyTooLong, idempotencyMismatch, MAX_REQUEST_BYTES, noDataProcessed, postDataInvalid, tooLarge, validationException } from "./errors";
import { describeIssue } from "./schemas";
import type { XeroData } from "./types";
import { envelope } from "./wire";

/** One object's fate: saved by `apply` (which answers its wire form), or refused with messages. */
export type Plan = { ok: true; apply: () => Record<string, unknown> } | { ok: false; errors: string[] };

export type BatchSpec<S extends z.ZodType> = {
  collection: "Invoices" | "Contacts" | "Payments" | "CreditNotes";
  entity: "Invoice" | "Contact" | "Payment" | "CreditNote";
  schema: S;
  /** Invoices and credit notes flag failures with HasErrors, contacts and payments with HasValidationErrors. */
  errorFlag: "HasErrors" | "HasValidationErrors";
  /** Called in order; may keep state across the objects of one request (numbers claimed...). */
  plan: (input: z.output<S>) => Plan;
};

export const MAX_IDEMPOTENCY_KEY = 128;

/** Runs a write once per Idempotency-Key; the same key with another request is refused. */
export async function idempotent(req: SandboxRequest, ctx: ApiContext<XeroData>, compute: () => SandboxResponse): Promise<SandboxResponse> {
  const key = header(req, "idempotency-key");
  if (key !== undefined && key.length > MAX_IDEMPOTENCY_KEY) return idempotencyKeyTooLong();
  const print = fingerprint(req.method, req.path.toLowerCase(), req.query.toString(), req.rawBody);
  return ctx.sandbox.idempotency.run(`xero:${ctx.account.id}`, key || undefined, print, compute, idempotencyMismatch);
}

/** The objects of a write body, or the error answer for an unreadable one. */
export function readObjects(req: SandboxRequest, collection: string, entity: string): { ok: true; items: unknown[] } | { ok: false; response: SandboxResponse } {
  if (req.rawBody.length > MAX_REQUEST_BYTES) return { ok: false, response: tooLarge() };
  const parsed = parseJson(req);
  if (!parsed.ok) return { ok: false, response: postDataInvalid("The request body could not be read: it is not valid JSON.") };
  const body = parsed.value;
  if (body === undefined || body === null) return { ok: false, response: noDataProcessed(entity) };
  if (typeof body !== "object" || Array.isArray(body)) return { ok: false, response: postDataInvalid(`Error converting value ${JSON.stringify(body).slice(0, 100)} to type '${collection}'. Path ''.`) };
  const wrapped = (body as Record<string, unknown>)[collection];
  const items = wrapped === undefined ? [body] : wrapped;
  if (!Array.isArray(items)) return { ok: false, response: postDataInvalid(`Error converting value ${JSON.stringify(items).slice(0, 100)} to type 'System.Collections.Generic.List'. Path '${collection}'.`) };
  if (items.length === 0) return { ok: false, response: noDataProcessed(entity) };
  return { ok: true, items };
}

export function summarizeErrors(req: SandboxRequest): boolean {
  return req.query.get("summarizeErrors")?.toLowerCase() !== "false";
}

export function batchWrite<S extends z.ZodType>(req: SandboxRequest, ctx: ApiContext<XeroData>, spec: BatchSpec<S>): Promise<SandboxResponse> {
  return idempotent(req, ctx, () => {
    const read = readObjects(req, spec.collection, spec.entity);
    if (!read.ok) return read.response;
    const inputs: z.output<S>[] = [];
    for (const [index, item] of read.items.entries()) {
      const parsed = spec.schema.safeParse(item);
      if (!parsed.success) return postDataInvalid(describeIssue(parsed.error.issues[0]!, item, `${spec.collection}[${index}]`));
      inputs.push(parsed.data);
    }
    const summarize = summarizeErrors(req);
    const plans = inputs.map((input) => spec.plan(input));
    const echo = (index: number, errors: string[]) => {
      const sent = read.items[index] as Record<string, unknown>;
      const messages = errors.map((Message) => ({ Message }));
      return summarize ? { ...sent, ValidationErrors: messages } : { ...sent, [spec.errorFlag]: true, StatusAttributeString: "ERROR", ValidationErrors: messages };
    };
    if (summarize && plans.some((p) => !p.ok)) {
      return validationException(plans.flatMap((p, index) => (p.ok ? [] : [echo(index, p.errors)])));
    }
    const out = plans.map((p, index) => (p.ok ? { ...p.apply(), ...(summarize ? {} : { StatusAttributeString: "OK" }) } : echo(index, p.errors)));
    ctx.sandbox.touch();
    return envelope(spec.collection, out, ctx.sandbox.clock.now());
  });
}
