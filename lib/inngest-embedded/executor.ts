/**
 * The embedded executor: what runs Concord's Inngest functions when no Inngest server is
 * configured. It syncs the app's functions over the SDK's protocol, takes events, matches them
 * to triggers (exact names, `prefix/*` wildcards, `if` expressions), applies debounce and
 * throttle, fires crons, and hands runs to the run loop, which enforces concurrency.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import { rootLogger } from "../log";
import { systemClock, type Clock } from "./clock";
import { ConcurrencyLimiter } from "./concurrency";
import { EventDeduper, parseEvents } from "./events";
import { keyOf } from "./expression";
import { Debouncer, Throttle } from "./flow-control";
import { ServeClient, type EventPayload } from "./protocol";
import { parseFunctionConfigs, triggerMatches, UnsupportedConfigError, type RegisteredFunction } from "./registry";
import { defaultBackoff, Runner, type RunListener } from "./runner";
import { MemoryRunStore, type RunRecord, type RunStore } from "./store";

export type ExecutorOptions = {
  /** The app's serve endpoint, e.g. http://127.0.0.1:3000/api/inngest. */
  serveUrl: string;
  /** Signs every request to the serve endpoint (the app's INNGEST_SIGNING_KEY). */
  signingKey: string;
  clock?: Clock;
  store?: RunStore;
  logger?: Logger;
  /** Delay before the next attempt after attempt n failed (ms). */
  backoff?: (attempt: number) => number;
  /** Requests to the app in flight at once, across all runs (default 32). */
  maxConcurrentRequests?: number;
  /** Longest a single request (one step) may take (default 15 minutes). */
  requestTimeoutMs?: number;
  /** How long start() keeps trying to reach the app (default 60 s). */
  syncTimeoutMs?: number;
};

type Debounced = { functionId: string; event: EventPayload };

const MAX_BACKLOG = 10_000;

export class EmbeddedExecutor {
  private functions = new Map<string, RegisteredFunction>();
  /** Armed cron timers by "functionId cron". */
  private readonly cronTimers = new Map<string, () => void>();
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly store: RunStore;
  private readonly client: ServeClient;
  private readonly runner: Runner;
  private readonly throttle: Throttle;
  private readonly debouncer: Debouncer<Debounced>;
  private readonly deduper = new EventDeduper();
  private readonly limiter = new ConcurrencyLimiter();
  /** Events sent before the first sync (a webhook in the moment after the server listens). */
  private backlog: EventPayload[] | null = [];
  private stopped = false;

  constructor(private readonly options: ExecutorOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? rootLogger.child({ component: "inngest-embedded" });
    this.store = options.store ?? new MemoryRunStore();
    this.client = new ServeClient({ serveUrl: options.serveUrl, signingKey: options.signingKey, timeoutMs: options.requestTimeoutMs });
    this.throttle = new Throttle(this.clock);
    this.debouncer = new Debouncer(this.clock, (_key, { functionId, event }) => {
      const fn = this.functions.get(functionId);
      if (fn) this.throttled(fn, event, () => void this.runner.start(fn, event));
    });
    this.runner = new Runner({
      caller: this.client,
      store: this.store,
      clock: this.clock,
      limiter: this.limiter,
      logger: this.logger,
      backoff: options.backoff ?? defaultBackoff,
      lookup: (id) => this.functions.get(id),
      startChild: (fn, event, runId, invokedBy) => this.throttled(fn, event, () => void this.runner.start(fn, event, { runId, invokedBy })),
      emit: (event) => this.route(event),
      globalSlot: { key: "global", limit: options.maxConcurrentRequests ?? 32 },
    });
  }

  /** The registered functions, by id. */
  get registered(): ReadonlyMap<string, RegisteredFunction> {
    return this.functions;
  }

  /**
   * Syncs the app's functions (retrying until the app answers) and starts their crons.
   * Throws UnsupportedConfigError when a function declares what this executor cannot honour.
   */
  async start(): Promise<RegisteredFunction[]> {
    const deadline = Date.now() + (this.options.syncTimeoutMs ?? 60_000);
    for (;;) {
      try {
        return this.register(await this.client.sync());
      } catch (error) {
        if (error instanceof UnsupportedConfigError || Date.now() > deadline || this.stopped) throw error;
        this.logger.debug({ err: error }, "waiting for the app to answer the Inngest sync");
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** Replaces the registered functions (a sync or an app's register call); all or nothing. */
  register(configs: unknown[]): RegisteredFunction[] {
    const functions = parseFunctionConfigs(configs);
    this.functions = functions;
    for (const cancel of this.cronTimers.values()) cancel();
    this.cronTimers.clear();
    for (const fn of functions.values()) for (const { cron } of fn.crons) this.armCron(fn.id, cron.source);
    const list = [...functions.values()];
    this.logger.info({ functions: list.map((f) => f.id) }, `embedded Inngest executor: ${list.length} function${list.length === 1 ? "" : "s"} registered`);
    const held = this.backlog ?? [];
    this.backlog = null;
    for (const event of held) this.route(event);
    return list;
  }

  /** Takes what inngest.send() posts; answers the event ids. Throws EventPayloadError. */
  async send(body: unknown): Promise<string[]> {
    const now = this.clock.now();
    const events = parseEvents(body, now);
    for (const { event, senderId } of events) {
      if (senderId && !this.deduper.firstSeen(event.id, now)) {
        this.logger.debug({ eventId: event.id, event: event.name }, "duplicate event id ignored");
        continue;
      }
      if (!this.backlog) this.route(event);
      else if (this.backlog.length < MAX_BACKLOG) this.backlog.push(event);
      else this.logger.error({ eventId: event.id, event: event.name }, "event dropped: the app's functions are not synced yet");
    }
    return events.map(({ event }) => event.id);
  }

  /** A run's record (the in-memory store keeps the last thousand finished runs). */
  run(id: string): Promise<RunRecord | undefined> {
    return this.store.get(id);
  }

  onRunFinished(listener: RunListener): () => void {
    return this.runner.onFinished(listener);
  }

  /** Stops timers and abandons in-flight requests (unfinished in-memory runs are lost). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cronTimers.values()) cancel();
    this.cronTimers.clear();
    this.throttle.stop();
    this.debouncer.stop();
    this.runner.stop();
  }

  private route(event: EventPayload): void {
    if (this.stopped) return;
    this.runner.deliver(event);
    for (const fn of this.functions.values()) {
      const triggered = fn.events.some((t) => triggerMatches(t, event.name) && (!t.expression || t.expression.matches({ event })));
      if (!triggered) continue;
      if (fn.debounce) {
        const key = `${fn.id}:${keyOf(fn.debounce.key, { event })}`;
        this.debouncer.push(key, { functionId: fn.id, event }, fn.debounce.periodMs, fn.debounce.timeoutMs);
      } else this.throttled(fn, event, () => void this.runner.start(fn, event));
    }
  }

  private throttled(fn: RegisteredFunction, event: EventPayload, start: () => void): void {
    if (this.stopped) return;
    if (!fn.throttle) return start();
    const { limit, periodMs, burst, key } = fn.throttle;
    this.throttle.schedule(`${fn.id}:${keyOf(key, { event })}`, limit, periodMs, burst, () => {
      if (!this.stopped) start();
    });
  }

  private armCron(functionId: string, source: string): void {
    const fn = this.functions.get(functionId);
    const cron = fn?.crons.find((c) => c.cron.source === source)?.cron;
    if (!fn || !cron) return;
    const at = cron.next(this.clock.now());
    this.cronTimers.set(
      `${functionId} ${source}`,
      this.clock.at(at, () => {
        if (this.stopped || this.functions.get(functionId) !== fn) return;
        const event: EventPayload = { id: randomUUID(), name: "inngest/scheduled.timer", data: { cron: source }, ts: at };
        this.throttled(fn, event, () => void this.runner.start(fn, event));
        this.armCron(functionId, source);
      }),
    );
  }
}
