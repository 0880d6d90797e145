/**
 * Run state behind a small interface. Records are plain JSON (events, memoized step results,
 * what each unfinished step waits for), so a PostgreSQL store can replace the in-memory one
 * without touching the run loop. In memory, a restart forgets unfinished runs: the app's
 * scheduled sweep re-drives that work from the database (PostgreSQL is the memory).
 */
import type { EventPayload, SerializedError, StepResult } from "./protocol";

/** What a step the run is waiting on is waiting for. */
export type PendingStep =
  /** A step.run planned or waiting to be retried: `attempt` is the next attempt to make. */
  | { kind: "run"; attempt: number }
  | { kind: "sleep"; until: number }
  | { kind: "wait"; event: string; if?: string; until: number }
  | { kind: "invoke"; functionId: string; childRunId: string; until: number | null };

export type RunStatus = "running" | "completed" | "failed";

export type RunRecord = {
  id: string;
  functionId: string;
  event: EventPayload;
  status: RunStatus;
  startedAt: number;
  endedAt?: number;
  /** Memoized results by hashed step id, and their order. */
  steps: Record<string, StepResult>;
  stack: string[];
  pending: Record<string, PendingStep>;
  /** Attempt of the code outside steps (reset whenever a step completes). */
  attempt: number;
  /** Once steps ran in parallel, each new step is planned and run on its own request. */
  parallel: boolean;
  /** Evaluated concurrency slots, fixed at the start like Inngest's keys. */
  slots: { key: string; limit: number }[];
  invokedBy?: { runId: string; stepId: string };
  output?: unknown;
  error?: SerializedError;
};

export interface RunStore {
  save(run: RunRecord): Promise<void>;
  get(id: string): Promise<RunRecord | undefined>;
  /** Runs still running (what a durable store would resume after a restart). */
  unfinished(): Promise<RunRecord[]>;
}

/** Keeps every unfinished run and the last `keepFinished` finished ones. */
export class MemoryRunStore implements RunStore {
  private readonly runs = new Map<string, RunRecord>();
  // Insertion-ordered: the oldest finished run is forgotten first.
  private readonly finished = new Set<string>();

  constructor(private readonly keepFinished = 1000) {}

  async save(run: RunRecord): Promise<void> {
    this.runs.set(run.id, run);
    if (run.status === "running" || this.finished.has(run.id)) return;
    this.finished.add(run.id);
    for (const id of this.finished) {
      if (this.finished.size <= this.keepFinished) break;
      this.finished.delete(id);
      this.runs.delete(id);
    }
  }

  async get(id: string): Promise<RunRecord | undefined> {
    return this.runs.get(id);
  }

  async unfinished(): Promise<RunRecord[]> {
    return [...this.runs.values()].filter((r) => r.status === "running");
  }
}
