/**
 * Sandbox time. `scale` speeds up every duration the sandbox waits on (rate-limit windows,
 * webhook retry delays, token lifetimes), so benchmarks can run the real limits faster.
 * Timestamps on objects stay real wall-clock time.
 */
export class Clock {
  scale = 1;

  now(): number {
    return Date.now();
  }

  /** A provider duration in real milliseconds at the current scale. */
  ms(providerMs: number): number {
    return providerMs / this.scale;
  }

  sleep(providerMs: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.ms(providerMs)).unref());
  }
}
