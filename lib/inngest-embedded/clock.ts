/**
 * Time for the executor: sleeps, waitForEvent timeouts, retry backoff, throttles, debounces
 * and crons all read `now()` and arm timers here, so tests can run hours of schedule in
 * milliseconds with a scaled clock instead of waiting.
 */

export type Clock = {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once the clock reaches `at`; returns a cancel function. Timers never hold the process open. */
  at(at: number, fn: () => void): () => void;
};

// setTimeout's longest delay; longer waits (a sleep of weeks) re-arm.
const MAX_DELAY = 2 ** 31 - 1;

function armAt(now: () => number, realDelay: (virtual: number) => number, at: number, fn: () => void): () => void {
  let handle: NodeJS.Timeout | undefined;
  let cancelled = false;
  const arm = () => {
    if (cancelled) return;
    const delay = realDelay(at - now());
    if (delay > MAX_DELAY) {
      handle = setTimeout(arm, MAX_DELAY);
    } else {
      handle = setTimeout(() => {
        // Timers may fire a millisecond early; wait for the clock to agree.
        if (now() < at) arm();
        else if (!cancelled) fn();
      }, Math.max(0, delay));
    }
    handle.unref();
  };
  arm();
  return () => {
    cancelled = true;
    if (handle) clearTimeout(handle);
  };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  at: (at, fn) => armAt(Date.now, (ms) => ms, at, fn),
};

/**
 * A clock that runs `speed` times faster than real time from `origin` (tests: speed 1000 turns
 * a one-minute sleep into 60 ms). Only for tests and benches.
 */
export function scaledClock(speed: number, origin = Date.now()): Clock {
  const realOrigin = performance.now();
  const now = () => origin + (performance.now() - realOrigin) * speed;
  return {
    now,
    at: (at, fn) => armAt(now, (ms) => Math.ceil(ms / speed), at, fn),
  };
}
