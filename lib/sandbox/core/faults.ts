/** Injected faults: errors, latency, timeouts and stale SyncTokens, optionally only on some paths. */
import { z } from "zod";
import { Rng } from "./rng";

export const faultsSchema = z.strictObject({
  errorRate: z.number().min(0).max(1).default(0),
  latencyMs: z.number().int().min(0).max(60_000).default(0),
  timeoutRate: z.number().min(0).max(1).default(0),
  staleSyncTokenRate: z.number().min(0).max(1).default(0),
  /** Path prefixes the faults apply to; empty means every API path. */
  paths: z.array(z.string().startsWith("/")).max(50).default([]),
  seed: z.union([z.number(), z.string()]).optional(),
});

export type FaultConfig = z.output<typeof faultsSchema>;

export type FaultDecision = { latencyMs: number; kind: "none" | "error500" | "error503" | "timeout" };

export class Faults {
  config: FaultConfig = faultsSchema.parse({});
  private rng = new Rng(1);

  set(config: FaultConfig): void {
    this.config = config;
    this.rng = new Rng(config.seed ?? 1);
  }

  applies(path: string): boolean {
    return this.config.paths.length === 0 || this.config.paths.some((p) => path.startsWith(p));
  }

  decide(path: string): FaultDecision {
    if (!this.applies(path)) return { latencyMs: 0, kind: "none" };
    const { errorRate, timeoutRate, latencyMs } = this.config;
    if (this.rng.chance(timeoutRate)) return { latencyMs, kind: "timeout" };
    if (this.rng.chance(errorRate)) return { latencyMs, kind: this.rng.chance(0.5) ? "error500" : "error503" };
    return { latencyMs, kind: "none" };
  }

  /** For QuickBooks: answer this write as if another user had just changed the entity. */
  staleSyncToken(path: string): boolean {
    return this.applies(path) && this.rng.chance(this.config.staleSyncTokenRate);
  }
}
