/**
 * Pushing one planned write to one connection, one function per provider so each declares its
 * provider's rate limit as a throttle keyed by connection (429s are then the exception, and the
 * HTTP layer still honours Retry-After when they come). A retried push is re-planned first, so a
 * write already made is not made again. When the provider's answer changed the picture, the
 * invoice is reconciled again (what is left, e.g. a payment on an invoice just created, or
 * nothing, which settles its to-do). A push that used up its retries, or that the provider
 * refused outright, is recorded as failed, visible with a Retry action.
 */
import { NonRetriableError } from "inngest";
import { ProviderError } from "@/lib/connectors/errors";
import { executeWrite } from "@/lib/sync/propagate/reconcile";
import { recordPushFailure } from "@/lib/sync/propagate/failures";
import { inngest } from "../client";
import { invoiceChanged, pushRequested } from "../events";

type Provider = "STRIPE" | "QUICKBOOKS" | "XERO" | "HUBSPOT";

/** Documented per-connection limits (lib/connectors/http.ts), as Inngest throttles. */
const THROTTLES: Record<Provider, { limit: number; period: `${number}s` | `${number}m` }> = {
  STRIPE: { limit: 25, period: "1s" },
  QUICKBOOKS: { limit: 10, period: "1s" },
  XERO: { limit: 60, period: "1m" },
  HUBSPOT: { limit: 100, period: "10s" },
};

function pushFunction(provider: Provider) {
  return inngest.createFunction(
    {
      id: `push-${provider.toLowerCase()}`,
      name: `Push to ${provider.charAt(0)}${provider.slice(1).toLowerCase()}`,
      triggers: [pushRequested[provider]],
      retries: 5,
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
