/**
 * Pushing one planned write to one connection, one function per provider so each declares its
 * provider's flow control, keyed by connection. The HTTP layer (lib/connectors/http.ts) paces the
 * requests themselves to the provider's documented windows and honours Retry-After. Here, a
 * concurrency cap lets in just enough pushes to keep those windows full (a push is a few requests
 * in a row, with database work between them) without a queue of pushes waiting inside their
 * steps for the limiter, and a throttle at the documented rate caps how fast pushes start (a push
 * is at least one request, so it never holds back what the windows allow). A retried push is
 * re-planned first, so a write already made is not made again. When the provider's answer
 * changed the picture, the invoice is reconciled again (what is left, e.g. a payment on an
 * invoice just created, or nothing, which settles its to-do). A push that used up its retries, or
 * that the provider refused outright, is recorded as failed, visible with a Retry action.
 */
import { NonRetriableError } from "inngest";
import { ProviderError } from "@/lib/connectors/errors";
import { executeWrite } from "@/lib/sync/propagate/reconcile";
import { recordPushFailure } from "@/lib/sync/propagate/failures";
import { inngest } from "../client";
import { invoiceChanged, pushRequested } from "../events";

type Provider = "STRIPE" | "QUICKBOOKS" | "XERO" | "HUBSPOT";

/** Documented per-connection request limits (lib/connectors/http.ts): no more pushes than requests start. */
const THROTTLES: Record<Provider, { limit: number; period: `${number}s` | `${number}m` }> = {
  STRIPE: { limit: 25, period: "1s" },
  QUICKBOOKS: { limit: 10, period: "1s" },
  XERO: { limit: 60, period: "1m" },
  HUBSPOT: { limit: 100, period: "10s" },
};

/**
 * Pushes in flight per connection: enough to keep each window full while every push also waits
 * on the database and the executor between its requests (Stripe's 25 a second take about 6
 * pushes a second, so 25 in flight), few enough that a push's step waits seconds, not minutes,
 * for the limiter (25 Stripe pushes of 4 requests: 4 s; 10 QuickBooks pushes of 3 at 500 a
 * minute: under 4 s; 10 HubSpot pushes of 4 at 100 per 10 s: 4 s). Xero takes 5 concurrent
 * requests per tenant, and at 60 a minute, 5 pushes of 3 requests wait up to 15 s.
 */
const CONCURRENCY: Record<Provider, number> = { STRIPE: 25, QUICKBOOKS: 10, XERO: 5, HUBSPOT: 10 };

function pushFunction(provider: Provider) {
  return inngest.createFunction(
    {
      id: `push-${provider.toLowerCase()}`,
      name: `Push to ${provider.charAt(0)}${provider.slice(1).toLowerCase()}`,
      triggers: [pushRequested[provider]],
      retries: 5,
      // A few pushes at a time per connection; one at a time per write, so a write planned twice
      // (two reconciles before the first push landed) runs once and the second finds it done.
      concurrency: [
        { limit: CONCURRENCY[provider], key: "event.data.connectionId" },
        { limit: 1, key: "event.data.idempotencyKey" },
      ],
      throttle: { ...THROTTLES[provider], key: "event.data.connectionId" },
      onFailure: async ({ event, error, step, runId }) => {
        const push = event.data.event.data;
        await step.run("record-failure", () => recordPushFailure({ ...push, error: error.message }, runId));
      },
    },
    async ({ event, step, runId }) => {
      const outcome = await step.run("write", async () => {
        const result = await executeWrite(event.data.invoiceId, event.data.idempotencyKey, runId).catch((error: unknown) => {
          // A provider refusing the request itself (validation) or unable to hold it will answer the same again: no retries.
          if (error instanceof ProviderError && (error.kind === "invalid" || error.kind === "unsupported")) throw new NonRetriableError(error.message, { cause: error });
          throw error;
        });
        return "ok" in result ? { done: true, externalId: result.externalId, changed: result.changed } : { done: false, reason: result.reason, changed: false };
      });
      if (outcome.changed) await step.sendEvent("reconcile", invoiceChanged.create({ invoiceId: event.data.invoiceId }));
      return outcome;
    },
  );
}

export const pushToStripe = pushFunction("STRIPE");
export const pushToQuickbooks = pushFunction("QUICKBOOKS");
export const pushToXero = pushFunction("XERO");
export const pushToHubspot = pushFunction("HUBSPOT");
