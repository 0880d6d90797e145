/**
 * The run loop: drives each run through the app's serve endpoint until it completes or fails.
 *
 * A run starts with a discovery request (stepId "step"). The SDK either runs a lone new step
 * at once and answers its result, or answers the steps it found: parallel step.runs are each
 * run on their own request, sleeps and waitForEvent timeouts arm timers, invokes start a child
 * run. Every result is memoized under the step's hashed id and the next discovery replays the
 * handler with all of them, so no step's side effect happens twice. Discoveries of one run are
 * serialized; step requests of one run may overlap (parallel steps). Each request holds the
 * run's concurrency slots while it executes. Errors are retried per step (and outside steps)
 * with exponential backoff up to the function's attempts; a NonRetriableError, or the last
 * attempt, fails the step for the handler to catch, or fails the run.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { Clock } from "./clock";
import type { ConcurrencyLimiter, SlotRequirement } from "./concurrency";
import { compileExpression, keyOf, type Expression } from "./expression";
import type { EventPayload, Op, RunRequest, RunResponse, SerializedError, StepResult } from "./protocol";
import type { RegisteredFunction } from "./registry";
import { classifyOp, invokedEvent } from "./step-ops";
import type { RunRecord, RunStore } from "./store";

const DISCOVER = "step";

export type RunCaller = { call(request: RunRequest, signal?: AbortSignal): Promise<RunResponse> };

export type RunnerDeps = {
  caller: RunCaller;
  store: RunStore;
  clock: Clock;
  limiter: ConcurrencyLimiter;
  logger: Logger;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed (virtual ms). */
  backoff: (attempt: number) => number;
  /** The registered function with this id, if any (registrations can change). */
  lookup: (functionId: string) => RegisteredFunction | undefined;
  /** Starts an invoked child run (through the executor's flow control). */
  startChild: (fn: RegisteredFunction, event: EventPayload, runId: string, invokedBy: { runId: string; stepId: string }) => void;
  /** Internal events (`inngest/function.failed`, `inngest/function.finished`) to route. */
  emit: (event: EventPayload) => void;
  /** A limit on requests in flight across all runs, on top of the functions' own. */
  globalSlot?: SlotRequirement;
};

type LiveRun = {
  record: RunRecord;
  fn: RegisteredFunction;
  active: boolean;
  discovering: boolean;
  rediscover: boolean;
  /** Cancel functions of armed timers, by hashed step id ("" for a retry of the discovery). */
  timers: Map<string, () => void>;
};

export type RunListener = (run: RunRecord) => void;

/** Inngest-like default: 10 s, doubling, capped at an hour, plus up to 20% jitter. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(10_000 * 2 ** attempt, 3_600_000);
  return base + Math.floor(Math.random() * base * 0.2);
}

function error(name: string, message: string): SerializedError {
  return { name, message };
}

export class Runner {
  private readonly live = new Map<string, LiveRun>();
  /** Waiting steps by event name: "runId step" entries. */
  private readonly waits = new Map<string, Set<string>>();
  private readonly expressions = new Map<string, Expression>();
  private readonly listeners = new Set<RunListener>();
  private readonly abort = new AbortController();

  constructor(private readonly deps: RunnerDeps) {}

  get activeRuns(): number {
    return this.live.size;
  }

  onFinished(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts a run of `fn` for `event` now (flow control has already let it through). */
  async start(fn: RegisteredFunction, event: EventPayload, options: { runId?: string; invokedBy?: { runId: string; stepId: string } } = {}): Promise<RunRecord> {
    const record: RunRecord = {
      id: options.runId ?? randomUUID(),
      functionId: fn.id,
      event,
      status: "running",
      startedAt: this.deps.clock.now(),
      steps: {},
      stack: [],
      pending: {},
      attempt: 0,
      parallel: false,
      slots: this.slotsFor(fn, event),
      ...(options.invokedBy ? { invokedBy: options.invokedBy } : {}),
    };
    const live: LiveRun = { record, fn, active: true, discovering: false, rediscover: false, timers: new Map() };
    this.live.set(record.id, live);
    await this.deps.store.save(record);
    this.deps.logger.debug({ runId: record.id, fn: fn.id, event: event.name }, "run started");
    this.discover(live);
    return record;
  }

  /** Hands an event to the runs waiting for it (step.waitForEvent). */
  deliver(event: EventPayload): void {
    const entries = this.waits.get(event.name);
    if (!entries) return;
    for (const entry of [...entries]) {
      const [runId, stepId] = entry.split(" ") as [string, string];
      const live = this.live.get(runId);
      const pending = live?.record.pending[stepId];
      if (!live || pending?.kind !== "wait") {
        entries.delete(entry);
        continue;
      }
      const condition = pending.if ? this.expressions.get(pending.if) : undefined;
      if (condition && !condition.matches({ event: live.record.event, async: event })) continue;
      this.resolve(live, stepId, { type: "data", data: event });
    }
  }

  stop(): void {
    this.abort.abort();
    for (const live of this.live.values()) {
      live.active = false;
      for (const cancel of live.timers.values()) cancel();
    }
    this.live.clear();
    this.waits.clear();
  }

  private slotsFor(fn: RegisteredFunction, event: EventPayload): { key: string; limit: number }[] {
    // A function's own limits are counted apart (two limits whose keys evaluate alike stay two).
    return fn.concurrency.map((c, i) => {
      const key = keyOf(c.key, { event });
      return { key: c.scope === "fn" ? `fn:${fn.id}:${i}:${key}` : `${c.scope}:${key}`, limit: c.limit };
    });
  }

  private disableImmediate(record: RunRecord): boolean {
    return record.parallel || Object.values(record.pending).some((p) => p.kind === "run");
  }

  /** Asks the SDK what the run does next; one discovery per run at a time. */
  private discover(live: LiveRun): void {
    if (!live.active) return;
    if (live.discovering) {
      live.rediscover = true;
      return;
    }
    live.discovering = true;
    live.rediscover = false;
    void this.request(live, DISCOVER, live.record.attempt)
      .catch((err) => this.crash(live, err))
      .finally(() => {
        live.discovering = false;
        if (live.rediscover) this.discover(live);
      });
  }

  private runStep(live: LiveRun, stepId: string): void {
    const pending = live.record.pending[stepId];
    if (!live.active || pending?.kind !== "run") return;
    void this.request(live, stepId, pending.attempt).catch((err) => this.crash(live, err));
  }

  private async request(live: LiveRun, stepId: string, attempt: number): Promise<void> {
    const slots = this.deps.globalSlot ? [...live.record.slots, this.deps.globalSlot] : live.record.slots;
    const release = await this.deps.limiter.acquire(slots);
    let response: RunResponse;
    try {
      if (!live.active) return;
      const { record, fn } = live;
      response = await this.deps.caller.call(
        {
          functionId: fn.id,
          stepId,
          runId: record.id,
          event: record.event,
          steps: record.steps,
          stack: record.stack,
          attempt,
          maxAttempts: fn.maxAttempts,
          disableImmediateExecution: this.disableImmediate(record),
        },
        this.abort.signal,
      );
    } finally {
      release();
    }
    if (!live.active) return;
    if (response.kind === "completed") return this.finish(live, { output: response.data });
    if (response.kind === "ops") return this.applyOps(live, attempt, response.ops, response.retryAfterMs);
    if (stepId === DISCOVER) return this.retryRun(live, response.error, response.retriable, response.retryAfterMs);
    // A step's own request failed outside a step op (network, step not found, code before it threw).
    if (response.retriable && attempt + 1 < live.fn.maxAttempts) {
      live.record.pending[stepId] = { kind: "run", attempt: attempt + 1 };
      await this.deps.store.save(live.record);
      this.arm(live, stepId, this.deps.clock.now() + (response.retryAfterMs ?? this.deps.backoff(attempt)), () => this.runStep(live, stepId));
      return;
    }
    return this.finish(live, { error: response.error });
  }

  /** The code outside steps failed: the whole discovery is retried, or the run fails. */
  private async retryRun(live: LiveRun, err: SerializedError, retriable: boolean, retryAfterMs?: number): Promise<void> {
    const { record, fn } = live;
    if (!retriable || record.attempt + 1 >= fn.maxAttempts) return this.finish(live, { error: err });
    const delay = retryAfterMs ?? this.deps.backoff(record.attempt);
    record.attempt += 1;
    await this.deps.store.save(record);
    this.deps.logger.warn({ runId: record.id, fn: fn.id, attempt: record.attempt, err: err.message }, "function error, retrying");
    this.arm(live, "", this.deps.clock.now() + delay, () => this.discover(live));
  }

  private async applyOps(live: LiveRun, attempt: number, ops: Op[], retryAfterMs?: number): Promise<void> {
    const { record, fn } = live;
    const now = this.deps.clock.now();
    let progressed = false;
    // Ops for steps that finished while this request was in flight: the answer is already stale.
    let stale = false;
    for (const op of ops) {
      if (!live.active) return;
      const stepId = op.id;
      if (stepId in record.steps) {
        stale = true;
        continue;
      }
      const action = classifyOp(op, now);
      const pending = record.pending[stepId];
      switch (action.type) {
        case "memoize":
          this.memoize(live, stepId, { type: "data", data: action.data });
          progressed = true;
          break;
        case "step-failed":
          this.deps.logger.warn({ runId: record.id, fn: fn.id, step: op.displayName ?? op.id, err: action.error.message }, "step failed for good");
          this.memoize(live, stepId, { type: "error", error: action.error });
          progressed = true;
          break;
        case "step-error": {
          const next = attempt + 1;
          this.deps.logger.warn({ runId: record.id, fn: fn.id, step: op.displayName ?? op.id, attempt, err: action.error.message }, "step error, retrying");
          if (next >= fn.maxAttempts) {
            this.memoize(live, stepId, { type: "error", error: action.error });
            progressed = true;
            break;
          }
          record.pending[stepId] = { kind: "run", attempt: next };
          this.arm(live, stepId, now + (retryAfterMs ?? this.deps.backoff(attempt)), () => this.runStep(live, stepId));
          break;
        }
        case "plan":
          if (pending) break;
          record.pending[stepId] = { kind: "run", attempt: 0 };
          record.parallel = true;
          this.runStep(live, stepId);
          break;
        case "sleep":
          if (pending) break;
          record.pending[stepId] = { kind: "sleep", until: action.until };
          this.arm(live, stepId, action.until, () => this.resolve(live, stepId, { type: "data", data: null }));
          break;
        case "wait": {
          if (pending) break;
          if (action.if && !this.expressions.has(action.if)) {
            try {
              this.expressions.set(action.if, compileExpression(action.if, ["event", "async"]));
            } catch (err) {
              return this.finish(live, { error: error("UnsupportedStepError", `waitForEvent "${op.displayName ?? op.id}": ${err instanceof Error ? err.message : String(err)}`) });
            }
          }
          record.pending[stepId] = { kind: "wait", event: action.event, until: action.until, ...(action.if ? { if: action.if } : {}) };
          const entries = this.waits.get(action.event) ?? new Set<string>();
          entries.add(`${record.id} ${stepId}`);
          this.waits.set(action.event, entries);
          if (Number.isFinite(action.until)) this.arm(live, stepId, action.until, () => this.resolve(live, stepId, { type: "data", data: null }));
          break;
        }
        case "invoke": {
          if (pending) break;
          const target = this.deps.lookup(action.functionId);
          if (!target) {
            this.memoize(live, stepId, { type: "error", error: error("Error", `invoked function "${action.functionId}" is not registered`) });
            progressed = true;
            break;
          }
          const childRunId = randomUUID();
          record.pending[stepId] = { kind: "invoke", functionId: target.id, childRunId, until: action.until };
          if (action.until !== null) {
            const message = `invoked function "${target.id}" did not finish in time`;
            this.arm(live, stepId, action.until, () => this.resolve(live, stepId, { type: "error", error: error("InngestInvokeTimeoutError", message) }));
          }
          this.deps.startChild(target, invokedEvent(randomUUID(), action.data, now), childRunId, { runId: record.id, stepId });
          break;
        }
        case "complete":
          return this.finish(live, { output: action.data });
        case "function-error":
          if (action.final) return this.finish(live, { error: action.error });
          return this.retryRun(live, action.error, true, retryAfterMs);
        case "rediscover":
          progressed = true;
          break;
        case "unsupported":
          return this.finish(live, { error: error("UnsupportedStepError", action.message) });
      }
    }
    await this.deps.store.save(record);
    if (progressed) {
      record.attempt = 0;
      this.discover(live);
    } else if (!stale && !live.rediscover && Object.keys(record.pending).length === 0) {
      // Nothing ran and nothing is awaited: retrying beats waiting forever.
      await this.retryRun(live, error("ProtocolError", "the app answered no step to run or wait for"), true, retryAfterMs);
    }
  }

  private memoize(live: LiveRun, stepId: string, result: StepResult): void {
    const { record } = live;
    const pending = record.pending[stepId];
    if (pending?.kind === "wait") this.waits.get(pending.event)?.delete(`${record.id} ${stepId}`);
    delete record.pending[stepId];
    record.steps[stepId] = result;
    record.stack.push(stepId);
    live.timers.get(stepId)?.();
    live.timers.delete(stepId);
  }

  /** A sleep ended, an event arrived, a wait timed out or an invoked run finished. */
  private resolve(live: LiveRun, stepId: string, result: StepResult): void {
    if (!live.active || stepId in live.record.steps || !live.record.pending[stepId]) return;
    this.memoize(live, stepId, result);
    live.record.attempt = 0;
    void this.deps.store.save(live.record).then(() => this.discover(live));
  }

  private arm(live: LiveRun, key: string, at: number, fn: () => void): void {
    live.timers.get(key)?.();
    live.timers.set(
      key,
      this.deps.clock.at(at, () => {
        live.timers.delete(key);
        if (live.active) fn();
      }),
    );
  }

  private crash(live: LiveRun, err: unknown): void {
    this.deps.logger.error({ runId: live.record.id, fn: live.fn.id, err }, "embedded executor error");
    void this.finish(live, { error: error("ExecutorError", err instanceof Error ? err.message : String(err)) });
  }

  private async finish(live: LiveRun, outcome: { output: unknown } | { error: SerializedError }): Promise<void> {
    if (!live.active) return;
    live.active = false;
    const { record, fn } = live;
    for (const cancel of live.timers.values()) cancel();
    live.timers.clear();
    for (const [stepId, pending] of Object.entries(record.pending)) {
      if (pending.kind === "wait") this.waits.get(pending.event)?.delete(`${record.id} ${stepId}`);
    }
    this.live.delete(record.id);
    record.endedAt = this.deps.clock.now();
    if ("error" in outcome) {
      record.status = "failed";
      record.error = outcome.error;
      this.deps.logger.error({ runId: record.id, fn: fn.id, err: outcome.error.message }, "run failed");
    } else {
      record.status = "completed";
      record.output = outcome.output;
      this.deps.logger.debug({ runId: record.id, fn: fn.id, ms: record.endedAt - record.startedAt }, "run completed");
    }
    await this.deps.store.save(record);
    for (const listener of this.listeners) listener(record);

    if (record.invokedBy) {
      const parent = this.live.get(record.invokedBy.runId);
      if (parent) this.resolve(parent, record.invokedBy.stepId, record.status === "failed" ? { type: "error", error: record.error! } : { type: "data", data: record.output ?? null });
    }
    const base = { function_id: fn.id, run_id: record.id, event: record.event };
    const now = this.deps.clock.now();
    if (record.status === "failed") this.deps.emit({ id: randomUUID(), name: "inngest/function.failed", data: { ...base, error: record.error }, ts: now });
    this.deps.emit({
      id: randomUUID(),
      name: "inngest/function.finished",
      data: { ...base, ...(record.status === "failed" ? { error: record.error } : { result: record.output ?? null }) },
      ts: now,
    });
  }
}
