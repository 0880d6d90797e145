/**
 * Pages of a provider list read ahead of the code that stores them: the next pages are fetched
 * while earlier ones are written, at most `depth` waiting, always in order. A failed fetch
 * surfaces where the page would have been taken; a consumer that stops early stops the reading.
 */
import type { Page } from "../connectors/types";

export async function* readAhead<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, depth: number): AsyncGenerator<Page<T>> {
  const queue: Page<T>[] = [];
  // Shared with the reading loop below (an object, so each side sees the other's writes).
  const state: { finished: boolean; stopped: boolean; failure: { error: unknown } | null } = { finished: false, stopped: false, failure: null };
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const signal = (which: "consumer" | "producer") => {
    const wake = which === "consumer" ? wakeConsumer : wakeProducer;
    if (which === "consumer") wakeConsumer = null;
    else wakeProducer = null;
    wake?.();
  };

  void (async () => {
    let cursor: string | null = null;
    try {
      do {
        while (queue.length >= depth && !state.stopped) await new Promise<void>((resolve) => (wakeProducer = resolve));
        if (state.stopped) return;
        const page: Page<T> = await fetchPage(cursor);
        queue.push(page);
        signal("consumer");
        cursor = page.next;
      } while (cursor && !state.stopped);
    } catch (error) {
      state.failure = { error };
    } finally {
      state.finished = true;
      signal("consumer");
    }
  })();

  try {
    for (;;) {
      const page = queue.shift();
      if (page) {
        signal("producer");
        yield page;
      } else if (state.failure) {
        throw state.failure.error;
      } else if (state.finished) {
        return;
      } else {
        await new Promise<void>((resolve) => (wakeConsumer = resolve));
      }
    }
  } finally {
    state.stopped = true;
    signal("producer");
  }
}
