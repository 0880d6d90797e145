/**
 * Webhook delivery the way providers do it: asynchronous, signed per subscription, retried on
 * the provider's schedule (scaled by the clock), with switches for duplicate delivery,
 * reordering and dropping. `idle()` lets tests wait until everything due has been attempted.
 */
import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Clock } from "./clock";
import type { Rng } from "./rng";
import type { Stats } from "./stats";

export const subscriptionSchema = z.strictObject({
  accountId: z.string().min(1).optional(),
  url: z.url(),
  secret: z.string().min(1).max(500).optional(),
  duplicateRate: z.number().min(0).max(1).default(0),
  reorder: z.boolean().default(false),
  dropRate: z.number().min(0).max(1).default(0),
  /** Event types to send; empty means all. */
  events: z.array(z.string()).default([]),
});

export type Subscription = z.output<typeof subscriptionSchema> & {
  id: string;
  secret: string;
  status: "active" | "disabled";
  failures: number;
};

/** What one attempt sends; built per attempt so signatures carry a fresh timestamp. */
export type Envelope = { body: string; headers: Record<string, string> };
export type Delivery = { eventType: string; accountId: string; build: (sub: Subscription, attempt: number) => Envelope };

export type DeliveryRecord = { subscriptionId: string; eventType: string; attempt: number; status: number | "error"; at: number };

export class WebhookDispatcher {
  subscriptions: Subscription[] = [];
  log: DeliveryRecord[] = [];
  private pending = new Set<Promise<void>>();
  private chains = new Map<string, Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly stats: Stats,
    private readonly rng: Rng,
    /** Delays before each retry, in provider milliseconds; its length is the number of retries. */
    private readonly retryScheduleMs: number[],
    private readonly defaultSecret: () => string,
  ) {}

  subscribe(input: z.output<typeof subscriptionSchema>): Subscription {
    const sub: Subscription = { ...input, secret: input.secret ?? this.defaultSecret(), id: `we_${randomUUID()}`, status: "active", failures: 0 };
    this.subscriptions.push(sub);
    return sub;
  }

  emit(delivery: Delivery): void {
    for (const sub of this.subscriptions) {
      if (sub.status !== "active") continue;
      if (sub.accountId && sub.accountId !== delivery.accountId) continue;
      if (sub.events.length && !sub.events.includes(delivery.eventType) && !sub.events.includes("*")) continue;
      if (this.rng.chance(sub.dropRate)) {
        this.stats.webhooks.dropped += 1;
        continue;
      }
      const copies = this.rng.chance(sub.duplicateRate) ? 2 : 1;
      if (copies === 2) this.stats.webhooks.duplicated += 1;
      for (let i = 0; i < copies; i++) this.schedule(sub, delivery);
    }
  }

  private schedule(sub: Subscription, delivery: Delivery): void {
    let task: Promise<void>;
    if (sub.reorder) {
      // Out of order: each delivery waits a random 0-2 s before its first attempt.
      task = this.clock.sleep(this.rng.int(0, 2000)).then(() => this.deliver(sub, delivery));
    } else {
      // In order per subscription: a delivery starts when the previous one is settled.
      const previous = this.chains.get(sub.id) ?? Promise.resolve();
      task = previous.then(() => this.deliver(sub, delivery));
      this.chains.set(sub.id, task);
    }
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  /** The first attempt; when it fails, retries continue on their own so later deliveries are not held up. */
  private async deliver(sub: Subscription, delivery: Delivery): Promise<void> {
    if (await this.attempt(sub, delivery, 0)) return;
    const retries = this.retry(sub, delivery);
    this.pending.add(retries);
    void retries.finally(() => this.pending.delete(retries));
  }

  private async retry(sub: Subscription, delivery: Delivery): Promise<void> {
    for (let attempt = 1; attempt <= this.retryScheduleMs.length; attempt++) {
      this.stats.webhooks.retried += 1;
      await this.clock.sleep(this.retryScheduleMs[attempt - 1]!);
      if (await this.attempt(sub, delivery, attempt)) return;
    }
    if (sub.status !== "active") return;
    this.stats.webhooks.failed += 1;
    sub.failures += 1;
  }

  /** One POST; true when it was delivered (or the subscription is gone, so there is nothing to retry). */
  private async attempt(sub: Subscription, delivery: Delivery, attempt: number): Promise<boolean> {
    if (sub.status !== "active") return true;
    const status = await this.post(sub, delivery.build(sub, attempt));
    this.stats.webhooks.sent += 1;
    this.log.push({ subscriptionId: sub.id, eventType: delivery.eventType, attempt, status, at: this.clock.now() });
    if (this.log.length > 5000) this.log.splice(0, this.log.length - 5000);
    if (typeof status === "number" && status >= 200 && status < 300) {
      this.stats.webhooks.delivered += 1;
      sub.failures = 0;
      return true;
    }
    return false;
  }

  private async post(sub: Subscription, envelope: Envelope): Promise<number | "error"> {
    try {
      const response = await fetch(sub.url, {
        method: "POST",
        headers: envelope.headers,
        body: envelope.body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      return response.status;
    } catch {
      return "error";
    }
  }

  /** Resolves when no delivery is waiting or in flight. */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  reset(): void {
    for (const sub of this.subscriptions) sub.status = "disabled"; // stops retries still sleeping
    this.subscriptions = [];
    this.log = [];
    this.chains.clear();
  }
}
