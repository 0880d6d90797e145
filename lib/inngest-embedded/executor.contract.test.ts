/**
 * The embedded executor against the real Inngest SDK: a plain Node server serves test functions
 * with the SDK's own handler (inngest/node), a client sends events to the executor, and each
 * test checks an Inngest behaviour end to end over HTTP. Time runs 1000x faster (scaled clock):
 * a one-minute sleep takes 60 ms, and timing bounds are generous.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Inngest, NonRetriableError, RetryAfterError } from "inngest";
import { serve } from "inngest/node";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scaledClock } from "./clock";
import { startEmbeddedInngest, type EmbeddedInngest } from "./host";
import { UnsupportedConfigError } from "./registry";
import { MemoryRunStore, type RunRecord } from "./store";

const SPEED = 1000;
const clock = scaledClock(SPEED);
const BACKOFF_BASE = 10_000;
const silent = pino({ level: "silent" });

type TestApp = { embedded: EmbeddedInngest; client: Inngest; store: MemoryRunStore; close: () => Promise<void> };

/** Serves `define(client)`'s functions on a fresh port, with an embedded executor pointed at them. */
async function startApp(appId: string, define: (client: Inngest) => Parameters<typeof serve>[0]["functions"]): Promise<TestApp> {
  let handler: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const store = new MemoryRunStore();
  const embedded = await startEmbeddedInngest({
    serveUrl: `http://127.0.0.1:${port}/api/inngest`,
    clock,
    store,
    logger: silent,
    backoff: (attempt) => BACKOFF_BASE * 2 ** attempt,
    syncTimeoutMs: 5_000,
  });
  const client = new Inngest({
    id: appId,
    isDev: false,
    eventKey: embedded.env.INNGEST_EVENT_KEY,
    signingKey: embedded.env.INNGEST_SIGNING_KEY,
    baseUrl: embedded.baseUrl,
    logger: silent,
  });
  handler = serve({ client, functions: define(client) }) as unknown as http.RequestListener;
  return {
    embedded,
    client,
    store,
    close: async () => {
      await embedded.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const realSleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Observations the test functions record.
const calls: Record<string, number> = {};
const count = (key: string) => (calls[key] = (calls[key] ?? 0) + 1);
const attemptsAt: Record<string, { attempt: number; at: number }[]> = {};
const failures: { message: string; marker: unknown }[] = [];
const active: Record<string, number> = {};
const maxActive: Record<string, number> = {};
let maxOverall = 0;
const pairedActive: Record<string, number> = {};
const pairedMax: Record<string, number> = {};

let app: TestApp;
const finished: RunRecord[] = [];

/** The finished run of `functionId` whose event has data.marker === marker. */
function finishedRun(functionId: string, marker: string, timeoutMs?: number): Promise<RunRecord> {
  return until(() => finished.find((r) => r.functionId === `contract-${functionId}` && r.event.data.marker === marker), `${functionId} ${marker}`, timeoutMs);
}

beforeAll(async () => {
  app = await startApp("contract", (inngest) => {
    const hello = inngest.createFunction({ id: "hello", triggers: [{ event: "test/hello" }] }, async ({ event, step }) => {
      const greeting = await step.run("greet", () => `hello ${String(event.data.name)}`);
      return { greeting };
    });

    const memo = inngest.createFunction({ id: "memo", triggers: [{ event: "test/memo" }] }, async ({ event, step }) => {
      count(`memo-handler-${event.data.marker}`);
      const a = await step.run("a", () => count(`memo-a-${event.data.marker}`));
      const b = await step.run("b", () => count(`memo-b-${event.data.marker}`));
      return a + b;
    });

    const parallel = inngest.createFunction({ id: "parallel", triggers: [{ event: "test/parallel" }] }, async ({ event, step }) => {
      const [x, y] = await Promise.all([
        step.run("x", () => (count(`par-x-${event.data.marker}`), 20)),
        step.run("y", () => (count(`par-y-${event.data.marker}`), 22)),
      ]);
      return step.run("sum", () => x + y);
    });

    const flaky = inngest.createFunction({ id: "flaky", triggers: [{ event: "test/flaky" }], retries: 3 }, async ({ event, step }) => {
      return step.run("call-provider", () => {
        const list = (attemptsAt[String(event.data.marker)] ??= []);
        list.push({ attempt: list.length, at: clock.now() });
        if (list.length < 3) throw new Error(`provider hiccup ${list.length}`);
        return "ok";
      });
    });

    const patient = inngest.createFunction({ id: "patient", triggers: [{ event: "test/patient" }] }, async ({ event, step }) => {
      return step.run("rate-limited-call", () => {
        const list = (attemptsAt[String(event.data.marker)] ??= []);
        list.push({ attempt: list.length, at: clock.now() });
        if (list.length === 1) throw new RetryAfterError("429 from the provider", "2m");
        return "ok";
      });
    });

    const doomed = inngest.createFunction(
      {
        id: "doomed",
        triggers: [{ event: "test/doomed" }],
        retries: 1,
        onFailure: async ({ event, error }) => {
          failures.push({ message: error.message, marker: event.data.event.data.marker });
        },
      },
      async ({ event, step }) => {
        await step.run("always-fails", () => {
          count(`doomed-${event.data.marker}`);
          throw new Error("the provider is down");
        });
      },
    );

    const refuse = inngest.createFunction({ id: "refuse", triggers: [{ event: "test/refuse" }], retries: 3 }, async ({ event, step }) => {
      await step.run("validate", () => {
        count(`refuse-${event.data.marker}`);
        throw new NonRetriableError("invoice id is malformed");
      });
    });

    const sleeper = inngest.createFunction({ id: "sleeper", triggers: [{ event: "test/sleep" }] }, async ({ step }) => {
      const before = await step.run("before", () => clock.now());
      await step.sleep("nap", "1m");
      const after = await step.run("after", () => clock.now());
      return after - before;
    });

    const fanout = inngest.createFunction({ id: "fanout", triggers: [{ event: "test/fanout" }] }, async ({ event, step }) => {
      await step.sendEvent("emit", { name: "test/hello", data: { name: "from fanout", marker: `${event.data.marker}-child` } });
    });

    const child = inngest.createFunction({ id: "child" }, async ({ event, step }) => {
      return step.run("double", () => Number((event.data as { n?: number }).n) * 2);
    });

    const parent = inngest.createFunction({ id: "parent", triggers: [{ event: "test/parent" }] }, async ({ step }) => {
      const doubled = await step.invoke("call-child", { function: child, data: { n: 21 } });
      return { doubled };
    });

    const waiter = inngest.createFunction({ id: "waiter", triggers: [{ event: "test/wait" }] }, async ({ event, step }) => {
      const timeout = String(event.data.timeout);
      const approval = await step.waitForEvent("approval", { event: "test/approved", timeout, if: "event.data.marker == async.data.marker" });
      return { by: approval ? approval.data.by : null };
    });

    const serial = inngest.createFunction(
      { id: "serial", triggers: [{ event: "test/serial" }], concurrency: { limit: 1, key: "event.data.account" } },
      async ({ event, step }) => {
        await step.run("work", async () => {
          const account = String(event.data.account);
          active[account] = (active[account] ?? 0) + 1;
          maxActive[account] = Math.max(maxActive[account] ?? 0, active[account]);
          maxOverall = Math.max(maxOverall, Object.values(active).reduce((a, b) => a + b, 0));
          await realSleep(60);
          active[account]! -= 1;
        });
      },
    );

    // Two limits at once, as the push functions declare them: a few per account, one per write.
    const paired = inngest.createFunction(
      { id: "paired", triggers: [{ event: "test/paired" }], concurrency: [{ limit: 2, key: "event.data.account" }, { limit: 1, key: "event.data.write" }] },
      async ({ event, step }) => {
        await step.run("work", async () => {
          const write = `write:${String(event.data.write)}`;
          const account = `account:${String(event.data.account)}`;
          for (const k of [write, account]) {
            pairedActive[k] = (pairedActive[k] ?? 0) + 1;
            pairedMax[k] = Math.max(pairedMax[k] ?? 0, pairedActive[k]);
          }
          await realSleep(60);
          for (const k of [write, account]) pairedActive[k]! -= 1;
        });
      },
    );

    const throttled = inngest.createFunction({ id: "throttled", triggers: [{ event: "test/throttled" }], throttle: { limit: 1, period: "1m" } }, async ({ step }) => {
      await step.run("start", () => "started");
    });

    const debounced = inngest.createFunction(
      { id: "debounced", triggers: [{ event: "test/debounced" }], debounce: { period: "5m", key: "event.data.invoice" } },
      async ({ event }) => ({ n: event.data.n }),
    );

    const ticker = inngest.createFunction({ id: "ticker", triggers: [{ cron: "* * * * *" }] }, async ({ step }) => {
      return step.run("tick", () => clock.now());
    });

    const wildcard = inngest.createFunction(
      { id: "wildcard", triggers: [{ event: "test/wild.*", if: "event.data.amount > 100" }] },
      async ({ event }) => ({ name: event.name }),
    );

    return [hello, memo, parallel, flaky, patient, doomed, refuse, sleeper, fanout, child, parent, waiter, serial, paired, throttled, debounced, ticker, wildcard];
  });
  app.embedded.executor.onRunFinished((run) => finished.push(run));
  await app.embedded.start();
});

afterAll(async () => {
  await app?.close();
});

const send = (name: string, data: Record<string, unknown>) => app.client.send({ name, data });

describe("the embedded executor with the Inngest SDK", () => {
  it("registers every function from the in-band sync, with onFailure handlers", () => {
    const ids = [...app.embedded.executor.registered.keys()];
    expect(ids).toContain("contract-hello");
    expect(ids).toContain("contract-doomed-failure");
    expect(ids).toHaveLength(19);
  });

  it("runs a function for an event sent with inngest.send and keeps its result", async () => {
    const { ids } = await send("test/hello", { name: "Ada", marker: "hello-1" });
    expect(ids).toHaveLength(1);
    const run = await finishedRun("hello", "hello-1");
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ greeting: "hello Ada" });
    expect(run.event.id).toBe(ids[0]);
  });

  it("memoizes steps: each side effect happens once although the handler replays", async () => {
    await send("test/memo", { marker: "m1" });
    const run = await finishedRun("memo", "m1");
    expect(run.output).toBe(2);
    expect(calls["memo-a-m1"]).toBe(1);
    expect(calls["memo-b-m1"]).toBe(1);
    expect(calls["memo-handler-m1"]).toBeGreaterThanOrEqual(3);
  });

  it("runs parallel steps each once, then continues with both results", async () => {
    await send("test/parallel", { marker: "p1" });
    const run = await finishedRun("parallel", "p1");
    expect(run.output).toBe(42);
    expect([calls["par-x-p1"], calls["par-y-p1"]]).toEqual([1, 1]);
  });

  it("retries a failing step with exponential backoff, then succeeds", async () => {
    await send("test/flaky", { marker: "f1" });
    const run = await finishedRun("flaky", "f1");
    expect(run.output).toBe("ok");
    const attempts = attemptsAt.f1!;
    expect(attempts).toHaveLength(3);
    // Virtual time between attempts: at least 10 s, then at least 20 s (a little slack for timer rounding).
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(BACKOFF_BASE * 0.9);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(BACKOFF_BASE * 2 * 0.9);
  });

  it("waits as long as a RetryAfterError asks before the next attempt", async () => {
    await send("test/patient", { marker: "ra1" });
    const run = await finishedRun("patient", "ra1");
    expect(run.output).toBe("ok");
    const [first, second] = attemptsAt.ra1!;
    // Two minutes (virtual), not the 10 s backoff.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(120_000 * 0.95);
  });

  it("fails the run once retries are exhausted and runs onFailure with the error and the event", async () => {
    await send("test/doomed", { marker: "d1" });
    const run = await finishedRun("doomed", "d1");
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("the provider is down");
    expect(calls["doomed-d1"]).toBe(2);
    const failure = await until(() => failures.find((f) => f.marker === "d1"), "onFailure");
    expect(failure.message).toContain("the provider is down");
  });

  it("does not retry a NonRetriableError", async () => {
    await send("test/refuse", { marker: "r1" });
    const run = await finishedRun("refuse", "r1");
    expect(run.status).toBe("failed");
    expect(run.error?.message).toContain("invoice id is malformed");
    expect(calls["refuse-r1"]).toBe(1);
  });

  it("sleeps for the step's duration", async () => {
    await send("test/sleep", { marker: "s1" });
    const run = await finishedRun("sleeper", "s1");
    expect(run.output as number).toBeGreaterThanOrEqual(60_000 * 0.95);
  });

  it("starts the functions an event sent with step.sendEvent triggers", async () => {
    await send("test/fanout", { marker: "fan" });
    const run = await finishedRun("hello", "fan-child");
    expect(run.output).toEqual({ greeting: "hello from fanout" });
  });

  it("invokes another function and returns its result to the caller", async () => {
    await send("test/parent", { marker: "inv" });
    const run = await finishedRun("parent", "inv");
    expect(run.output).toEqual({ doubled: 42 });
  });

  it("resumes a waitForEvent with the matching event only", async () => {
    await send("test/wait", { marker: "w1", timeout: "1h" });
    const waiting = async () => (await app.store.unfinished()).find((r) => r.event.data.marker === "w1" && Object.values(r.pending).some((p) => p.kind === "wait"));
    await until(waiting, "the run to wait");
    await send("test/approved", { marker: "someone else", by: "mallory" });
    await send("test/approved", { marker: "w1", by: "alice" });
    const run = await finishedRun("waiter", "w1");
    expect(run.output).toEqual({ by: "alice" });
  });

  it("gives waitForEvent null when the timeout passes", async () => {
    await send("test/wait", { marker: "w2", timeout: "1m" });
    const run = await finishedRun("waiter", "w2");
    expect(run.output).toEqual({ by: null });
  });

  it("never overlaps runs with the same concurrency key, while different keys run together", async () => {
    const events = ["A", "A", "A", "B", "B"].map((account, i) => ({ name: "test/serial", data: { account, marker: `c${i}` } }));
    await app.client.send(events);
    await Promise.all(events.map((e) => finishedRun("serial", e.data.marker)));
    expect(maxActive).toEqual({ A: 1, B: 1 });
    expect(maxOverall).toBe(2);
  });

  it("holds every one of a function's concurrency limits: one run per write, two per account", async () => {
    const events = ["w1", "w1", "w1", "w2", "w3"].map((write, i) => ({ name: "test/paired", data: { account: "A", write, marker: `p${i}` } }));
    await app.client.send(events);
    await Promise.all(events.map((e) => finishedRun("paired", e.data.marker)));
    expect(pairedMax).toEqual({ "write:w1": 1, "write:w2": 1, "write:w3": 1, "account:A": 2 });
  });

  it("throttles starts to the limit per period, queueing the rest", async () => {
    await app.client.send([1, 2, 3].map((n) => ({ name: "test/throttled", data: { marker: `t${n}` } })));
    const runs = await Promise.all([1, 2, 3].map((n) => finishedRun("throttled", `t${n}`)));
    const starts = runs.map((r) => r.startedAt).sort((a, b) => a - b);
    // One start per minute (virtual): never sooner.
    expect(starts[1]! - starts[0]!).toBeGreaterThanOrEqual(60_000);
    expect(starts[2]! - starts[1]!).toBeGreaterThanOrEqual(60_000);
  });

  it("debounces per key: one run, with the last event", async () => {
    for (const n of [1, 2, 3]) {
      await send("test/debounced", { invoice: "inv-1", n, marker: "deb-1" });
      await realSleep(5);
    }
    await send("test/debounced", { invoice: "inv-2", n: 9, marker: "deb-2" });
    const run = await finishedRun("debounced", "deb-1");
    expect(run.output).toEqual({ n: 3 });
    await finishedRun("debounced", "deb-2");
    await realSleep(50); // the earlier events of inv-1 start nothing of their own
    expect(finished.filter((r) => r.functionId === "contract-debounced")).toHaveLength(2);
  });

  it("matches wildcard triggers with their if expression", async () => {
    await send("test/wild.small", { amount: 5, marker: "wild-small" });
    await send("test/wild.big", { amount: 500, marker: "wild-big" });
    const run = await finishedRun("wildcard", "wild-big");
    expect(run.output).toEqual({ name: "test/wild.big" });
    expect(finished.some((r) => r.event.data.marker === "wild-small")).toBe(false);
  });

  it("ignores a second event with the same sender id", async () => {
    await app.client.send({ name: "test/hello", id: "dedupe-1", data: { name: "once", marker: "dup" } });
    await app.client.send({ name: "test/hello", id: "dedupe-1", data: { name: "twice", marker: "dup" } });
    await finishedRun("hello", "dup");
    await realSleep(50);
    expect(finished.filter((r) => r.event.data.marker === "dup")).toHaveLength(1);
  });

  it("fires cron triggers on schedule", async () => {
    // "* * * * *" fires every 60 ms of real time at this speed.
    const ticks = await until(() => {
      const runs = finished.filter((r) => r.functionId === "contract-ticker");
      return runs.length >= 2 ? runs : undefined;
    }, "two cron runs");
    expect(ticks[0]!.event.name).toBe("inngest/scheduled.timer");
    // Scheduled on minute boundaries, a whole number of minutes apart, and never started early. (At
    // 1000x a busy machine can stall past a whole minute of sandbox time; like Inngest, the executor
    // then fires the next boundary instead of catching up on the missed one.)
    expect(ticks[0]!.event.ts % 60_000).toBe(0);
    const apart = ticks[1]!.event.ts - ticks[0]!.event.ts;
    expect(apart).toBeGreaterThanOrEqual(60_000);
    expect(apart % 60_000).toBe(0);
    expect(ticks[0]!.startedAt).toBeGreaterThanOrEqual(ticks[0]!.event.ts);
  });

  it("refuses events with a wrong key, and the app refuses unsigned calls", async () => {
    const bad = await fetch(`${app.embedded.baseUrl}e/not-the-key`, { method: "POST", body: JSON.stringify({ name: "test/hello", data: {} }) });
    expect(bad.status).toBe(401);
    const serveUrl = new URL(app.embedded.executor["options"].serveUrl);
    serveUrl.searchParams.set("fnId", "contract-hello");
    serveUrl.searchParams.set("stepId", "step");
    const forged = await fetch(serveUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ event: {}, steps: {}, ctx: { run_id: "x" } }) });
    expect(forged.status).toBe(401);
  });
});

describe("starting up", () => {
  it("holds events sent before the first sync and runs them once the functions are known", async () => {
    const early = await startApp("early", (inngest) => [
      inngest.createFunction({ id: "echo", triggers: [{ event: "early/ping" }] }, async ({ event }) => ({ got: event.data.n })),
    ]);
    try {
      const done: RunRecord[] = [];
      early.embedded.executor.onRunFinished((run) => done.push(run));
      await early.client.send({ name: "early/ping", data: { n: 7 } });
      await realSleep(20);
      expect(done).toHaveLength(0);
      await early.embedded.start();
      const run = await until(() => done[0], "the held event's run");
      expect(run.output).toEqual({ got: 7 });
    } finally {
      await early.close();
    }
  });
});

describe("functions the embedded executor cannot honour", () => {
  it("refuses to start, naming the function and the feature", async () => {
    const other = await startApp("refused", (inngest) => [
      inngest.createFunction({ id: "limited", triggers: [{ event: "x/y" }], rateLimit: { limit: 1, period: "1m" } }, async () => null),
      inngest.createFunction({ id: "cancellable", triggers: [{ event: "x/y" }], cancelOn: [{ event: "x/cancel", match: "data.id" }] }, async () => null),
      inngest.createFunction({ id: "fine", triggers: [{ event: "x/y" }] }, async () => null),
    ]);
    try {
      const error = await other.embedded.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UnsupportedConfigError);
      const message = (error as Error).message;
      expect(message).toContain("refused-limited: rateLimit");
      expect(message).toContain("refused-cancellable: cancelOn");
      expect(message).not.toContain("refused-fine");
    } finally {
      await other.close();
    }
  });
});
