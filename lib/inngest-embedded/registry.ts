/**
 * The functions the embedded executor runs, read from the app's sync (the configs the SDK
 * declares: triggers, retries, concurrency, throttle, debounce). Everything is parsed once
 * here; a config that asks for something this executor does not do (batching, rate limits,
 * cancellation, priority, idempotency, singleton, timeouts, cron jitter, an expression outside
 * the supported subset) is refused with the function and the feature named, so nothing runs
 * with flow control silently ignored.
 */
import { z } from "zod";
import { parseCron, type CronSchedule } from "./cron";
import { parseDuration } from "./duration";
import { compileExpression, type Expression } from "./expression";

/** Inngest's default: four retries after the first attempt. */
export const DEFAULT_RETRIES = 4;

export type EventTrigger = { event: string; expression?: Expression };
export type CronTrigger = { cron: CronSchedule };

export type ConcurrencyLimit = { limit: number; key?: Expression; scope: "fn" | "env" | "account" };

export type RegisteredFunction = {
  /** The app-prefixed id the SDK serves it under (`concord-heartbeat`). */
  id: string;
  name: string;
  events: EventTrigger[];
  crons: CronTrigger[];
  /** Attempts per step (and for errors outside steps): retries + 1. */
  maxAttempts: number;
  concurrency: ConcurrencyLimit[];
  throttle?: { limit: number; periodMs: number; burst: number; key?: Expression };
  debounce?: { periodMs: number; timeoutMs?: number; key?: Expression };
};

export class UnsupportedConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The embedded Inngest executor cannot run these functions as declared:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "UnsupportedConfigError";
  }
}

const concurrencyItem = z.object({ limit: z.number().int().min(0), key: z.string().optional(), scope: z.enum(["fn", "env", "account"]).optional() });

// Lenient on purpose: unknown keys are collected and refused below with a clear message.
const configSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  triggers: z.array(z.looseObject({ event: z.string().optional(), expression: z.string().optional(), cron: z.string().optional(), jitter: z.string().optional() })).default([]),
  steps: z.record(z.string(), z.looseObject({ retries: z.object({ attempts: z.number().int().min(0).optional() }).optional() })).optional(),
  concurrency: z.union([z.number().int().min(0), concurrencyItem, z.array(concurrencyItem)]).optional(),
  throttle: z.object({ limit: z.number().int().min(1), period: z.string(), burst: z.number().int().min(0).optional(), key: z.string().optional() }).optional(),
  debounce: z.object({ period: z.string(), key: z.string().optional(), timeout: z.string().optional() }).optional(),
});

const HANDLED = new Set(["id", "name", "triggers", "steps", "concurrency", "throttle", "debounce"]);
const REFUSED: Record<string, string> = {
  batchEvents: "batchEvents (event batching)",
  rateLimit: "rateLimit",
  cancel: "cancelOn (cancellation by event)",
  priority: "priority",
  idempotency: "idempotency",
  singleton: "singleton",
  timeouts: "timeouts",
};

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseOne(raw: unknown, problems: string[]): RegisteredFunction | null {
  const parsed = configSchema.safeParse(raw);
  const label = (raw as { id?: unknown } | null)?.id ?? "(no id)";
  if (!parsed.success) {
    problems.push(`${String(label)}: unreadable config (${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})`);
    return null;
  }
  const config = parsed.data;
  const refuse = (feature: string) => problems.push(`${config.id}: ${feature} is not supported by the embedded executor (use Inngest Cloud or a self-hosted Inngest)`);
  const before = problems.length;

  for (const [key, value] of Object.entries(config)) {
    if (HANDLED.has(key) || value === undefined || value === null) continue;
    refuse(REFUSED[key] ?? `the "${key}" option`);
  }

  const expression = (source: string | undefined, where: string, vars: string[]): Expression | undefined => {
    if (source === undefined || source === "") return undefined;
    try {
      return compileExpression(source, vars);
    } catch (error) {
      problems.push(`${config.id}: ${where}: ${describe(error)}`);
      return undefined;
    }
  };
  const duration = (text: string, where: string): number => {
    try {
      return parseDuration(text);
    } catch (error) {
      problems.push(`${config.id}: ${where}: ${describe(error)}`);
      return 0;
    }
  };

  const events: EventTrigger[] = [];
  const crons: CronTrigger[] = [];
  for (const trigger of config.triggers) {
    if (trigger.cron !== undefined) {
      if (trigger.jitter) refuse("cron jitter");
      try {
        crons.push({ cron: parseCron(trigger.cron) });
      } catch (error) {
        problems.push(`${config.id}: cron "${trigger.cron}": ${describe(error)}`);
      }
    } else if (trigger.event !== undefined) {
      const star = trigger.event.indexOf("*");
      if (star >= 0 && star !== trigger.event.length - 1) problems.push(`${config.id}: event "${trigger.event}": only a trailing "*" wildcard is supported`);
      events.push({ event: trigger.event, expression: expression(trigger.expression, "trigger expression", ["event"]) });
    } else problems.push(`${config.id}: a trigger with neither an event nor a cron`);
  }

  const concurrency: ConcurrencyLimit[] = [];
  const limits = config.concurrency === undefined ? [] : Array.isArray(config.concurrency) ? config.concurrency : [config.concurrency];
  for (const item of limits) {
    const limit = typeof item === "number" ? { limit: item } : item;
    if (limit.limit === 0) continue; // 0 means "no limit" in Inngest.
    const scope = limit.scope ?? "fn";
    if (scope !== "fn" && !limit.key) problems.push(`${config.id}: a concurrency limit with scope "${scope}" needs a key`);
    concurrency.push({ limit: limit.limit, scope, key: expression(limit.key, "concurrency key", ["event"]) });
  }

  const throttle = config.throttle && {
    limit: config.throttle.limit,
    periodMs: duration(config.throttle.period, "throttle period"),
    burst: config.throttle.burst ?? 0,
    key: expression(config.throttle.key, "throttle key", ["event"]),
  };
  const debounce = config.debounce && {
    periodMs: duration(config.debounce.period, "debounce period"),
    timeoutMs: config.debounce.timeout === undefined ? undefined : duration(config.debounce.timeout, "debounce timeout"),
    key: expression(config.debounce.key, "debounce key", ["event"]),
  };
  if (throttle && throttle.periodMs <= 0) problems.push(`${config.id}: throttle period must be positive`);
  if (debounce && debounce.periodMs <= 0) problems.push(`${config.id}: debounce period must be positive`);

  const retries = Object.values(config.steps ?? {})[0]?.retries?.attempts ?? DEFAULT_RETRIES;
  if (problems.length > before) return null;
  return { id: config.id, name: config.name ?? config.id, events, crons, maxAttempts: retries + 1, concurrency, throttle, debounce };
}

/** Parses a sync's function configs; throws UnsupportedConfigError listing every problem. */
export function parseFunctionConfigs(configs: unknown[]): Map<string, RegisteredFunction> {
  const problems: string[] = [];
  const functions = new Map<string, RegisteredFunction>();
  for (const raw of configs) {
    const fn = parseOne(raw, problems);
    if (!fn) continue;
    if (functions.has(fn.id)) problems.push(`${fn.id}: declared twice`);
    functions.set(fn.id, fn);
  }
  if (problems.length) throw new UnsupportedConfigError(problems);
  return functions;
}

/** Whether an event trigger (`invoice/*` wildcards included) names this event. */
export function triggerMatches(trigger: EventTrigger, name: string): boolean {
  return trigger.event.endsWith("*") ? name.startsWith(trigger.event.slice(0, -1)) : trigger.event === name;
}
