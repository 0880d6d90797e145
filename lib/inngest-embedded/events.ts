/**
 * Event intake: what `inngest.send()` and `step.sendEvent()` post (one event or a list), checked
 * with zod, given ids and timestamps, and deduplicated by the sender's own `id` for 24 hours as
 * Inngest does, so a retried send of the same event starts nothing twice.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { EventPayload } from "./protocol";

export const MAX_EVENT_BYTES = 3 * 1024 * 1024;
const DEDUPE_MS = 24 * 60 * 60 * 1000;

const incomingEvent = z.object({
  name: z
    .string()
    .min(1)
    .refine((n) => !n.startsWith("inngest/"), "names starting with inngest/ are reserved"),
  data: z.record(z.string(), z.unknown()).optional(),
  id: z.string().min(1).optional(),
  ts: z.number().optional(),
  v: z.string().optional(),
  user: z.unknown().optional(),
});

export class EventPayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventPayloadError";
  }
}

/** Parses a send body (one event or a list); throws EventPayloadError naming the problem. */
export function parseEvents(body: unknown, now: number): { event: EventPayload; senderId: boolean }[] {
  const list = z.union([incomingEvent, z.array(incomingEvent)]).safeParse(body);
  if (!list.success) throw new EventPayloadError(list.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; "));
  return (Array.isArray(list.data) ? list.data : [list.data]).map((e) => ({
    senderId: e.id !== undefined,
    event: { id: e.id ?? randomUUID(), name: e.name, data: e.data ?? {}, ts: e.ts ?? now, ...(e.v ? { v: e.v } : {}), ...(e.user !== undefined ? { user: e.user } : {}) },
  }));
}

/** Remembers sender-chosen event ids for 24 hours. */
export class EventDeduper {
  private readonly seen = new Map<string, number>();

  /** True the first time an id is offered within the window. */
  firstSeen(id: string, now: number): boolean {
    this.forgetBefore(now - DEDUPE_MS);
    if (this.seen.has(id)) return false;
    this.seen.set(id, now);
    return true;
  }

  private forgetBefore(cutoff: number): void {
    for (const [id, at] of this.seen) {
      if (at >= cutoff) break;
      this.seen.delete(id);
    }
  }
}
