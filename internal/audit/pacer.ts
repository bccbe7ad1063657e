/**
 * Lets at most `limit` requests start in any window of `windowMs` (plus a
 * margin, so that arrival jitter cannot squeeze a third request into the
 * service's one-second window). Callers wait their turn in order.
 */
export class RequestPacer {
  readonly #limit: number;
  readonly #spacingMs: number;
  readonly #now: () => number;
  readonly #starts: number[] = [];
  #queue: Promise<void> = Promise.resolve();

  constructor(limit: number, windowMs: number, marginMs: number, now: () => number = () => performance.now()) {
    this.#limit = limit;
    this.#spacingMs = windowMs + marginMs;
    this.#now = now;
  }

  /** Resolves when a request may start, and counts it as started. */
  take(signal?: AbortSignal): Promise<void> {
    const turn = this.#queue.then(async () => {
      const starts = this.#starts;
      if (starts.length >= this.#limit) {
        const waitMs = (starts[starts.length - this.#limit] as number) + this.#spacingMs - this.#now();
        if (waitMs > 0) await sleep(waitMs, signal);
      }
      starts.push(this.#now());
      if (starts.length > this.#limit) starts.shift();
    });
    this.#queue = turn.catch(() => {});
    return turn;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
