/**
 * Idempotency keys as the providers keep them: the same key with the same request replays the
 * first answer; the same key with a different request is an error; keys expire after 24 hours.
 */
import { createHash } from "node:crypto";
import type { Clock } from "./clock";
import type { SandboxResponse } from "./http";

type Entry = { fingerprint: string; response: SandboxResponse; expiresAt: number };
export type Lookup = { kind: "miss" } | { kind: "replay"; response: SandboxResponse } | { kind: "mismatch" };

const DAY_MS = 24 * 3600 * 1000;
const MAX_ENTRIES = 50_000;

export function fingerprint(...parts: (string | Buffer)[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\0");
  return h.digest("hex");
}

export class IdempotencyCache {
  private entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  lookup(scope: string, key: string, print: string): Lookup {
    const entry = this.entries.get(`${scope}\0${key}`);
    if (!entry || entry.expiresAt <= this.clock.now()) return { kind: "miss" };
    return entry.fingerprint === print ? { kind: "replay", response: entry.response } : { kind: "mismatch" };
  }

  store(scope: string, key: string, print: string, response: SandboxResponse): void {
    if (this.entries.size >= MAX_ENTRIES) this.evict();
    this.entries.set(`${scope}\0${key}`, { fingerprint: print, response, expiresAt: this.clock.now() + this.clock.ms(DAY_MS) });
  }

  /** Drops expired keys, then the oldest, so clients that send a key on every call (stripe-node) cannot grow memory without bound. */
  private evict(): void {
    const now = this.clock.now();
    for (const [k, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(k);
    for (const k of this.entries.keys()) {
      if (this.entries.size < MAX_ENTRIES * 0.9) break;
      this.entries.delete(k);
    }
  }

  /** Runs `compute` once per key; 5xx answers are not kept, so a retry really retries. */
  async run(scope: string, key: string | undefined, print: string, compute: () => Promise<SandboxResponse> | SandboxResponse, onMismatch: () => SandboxResponse): Promise<SandboxResponse> {
    if (!key) return compute();
    const found = this.lookup(scope, key, print);
    if (found.kind === "replay") return { ...found.response, headers: { ...found.response.headers, "idempotent-replayed": "true" } };
    if (found.kind === "mismatch") return onMismatch();
    const response = await compute();
    if (response.status < 500) this.store(scope, key, print, response);
    return response;
  }

  reset(): void {
    this.entries.clear();
  }
}
