/**
 * Pushing one planned write to one connection, one function per provider so each declares its
 * provider's rate limit as a throttle keyed by connection (429s are then the exception, and the
 * HTTP layer still honours Retry-After when they come). A retried push is re-planned first, so a
 * write already made is not made again.
 */
import { NonRetriableError } from "inngest";
import { executeWrite } from "@/lib/sync/propagate/reconcile";
import { inngest } from "../client";
import { pushRequested } from "../events";

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
    },
    async ({ event, step, runId }) => {
      return step.run("write", async () => {
        const outcome = await executeWrite(event.data.invoiceId, event.data.idempotencyKey, runId).catch((error: unknown) => {
          // A provider refusing the request itself (validation) will refuse it again: no retries.
          if (error instanceof Error && "kind" in error && (error as { kind: string }).kind === "invalid") throw new NonRetriableError(error.message, { cause: error });
          throw error;
        });
        return "ok" in outcome ? { done: true, externalId: outcome.externalId } : { done: false, reason: outcome.reason };
      });
    },
  );
}

export const pushToStripe = pushFunction("STRIPE");
export const pushToQuickbooks = pushFunction("QUICKBOOKS");
export const pushToXero = pushFunction("XERO");
export const pushToHubspot = pushFunction("HUBSPOT");
