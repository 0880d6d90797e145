/** The intake's answers, shared by the Next.js route and the server's fast path. */
import type { ProviderId } from "../connectors/types";
import { ApiError } from "../http/errors";
import type { IntakeSummary } from "./intake";

export type Answer = { status: number; body: string | null };

export function answerFor(provider: ProviderId, summary: IntakeSummary): Answer {
  // Xero expects an empty body (its intent-to-receive check included).
  if (provider === "xero") return { status: 200, body: null };
  return { status: 200, body: JSON.stringify({ received: summary.events, stored: summary.stored, duplicates: summary.duplicates, ignored: summary.ignored }) };
}

export function answerForError(error: unknown): Answer | null {
  return error instanceof ApiError ? { status: error.status, body: JSON.stringify(error.toJSON()) } : null;
}
