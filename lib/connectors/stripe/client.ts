/**
 * The ProviderClient of one Stripe connection: reads (reads.ts), incremental changes from the
 * Events API (changes.ts) and idempotent writes (writes.ts), all through the shared HTTP layer
 * with the connection's access token as the account's API key.
 */
import type { ClientContext, ProviderClient } from "../types";
import { changes, startCursor } from "./changes";
import { readers } from "./reads";
import { stripeCaller, type StripeSettings } from "./sdk";
import { writers } from "./writes";

export function stripeClient(settings: StripeSettings, context: ClientContext): ProviderClient {
  const call = stripeCaller(settings, context);
  return {
    ...readers(call),
    startCursor: () => startCursor(call),
    changes: (cursor) => changes(call, cursor),
    ...writers(call),
  };
}
