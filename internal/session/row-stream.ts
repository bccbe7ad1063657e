import type { Session } from "./session.ts";
import type { SessionCollector } from "./store.ts";

/**
 * `--order none`: rows go out as they are read, not sorted. The store offers
 * sessions into a small buffer; the writer takes them as an async iterable;
 * after each page the store waits in `drained()` until the writer has taken
 * the buffer, so memory holds a page or so of rows whatever the table's size,
 * and a slow reader of stdout slows the reading down. With a limit, the first
 * `limit` rows read are kept and the rest only counted.
 */
export class RowStream<Row> implements SessionCollector, AsyncIterable<Row> {
  readonly limit: number;
  readonly lastKeptAt = undefined;
  readonly #toRow: (session: Session) => Row;
  #buffer: Row[] = [];
  #offered = 0;
  #kept = 0;
  #closed = false;
  #wakeWriter: (() => void) | undefined;
  #wakeReaders: (() => void)[] = [];

  constructor(limit: number, toRow: (session: Session) => Row) {
    this.limit = limit;
    this.#toRow = toRow;
  }

  get offered(): number {
    return this.#offered;
  }

  /** How many rows were kept (written or about to be). */
  get size(): number {
    return this.#kept;
  }

  offer(session: Session): void {
    this.#offered++;
    if (this.limit > 0 && this.#kept >= this.limit) return;
    this.#kept++;
    this.#buffer.push(this.#toRow(session));
    this.#wakeWriter?.();
  }

  /** Resolves once the writer has taken every row offered so far. */
  drained(): Promise<void> {
    if (this.#buffer.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#wakeReaders.push(resolve));
  }

  /** No more rows will come: the writer finishes after the last. */
  close(): void {
    this.#closed = true;
    this.#wakeWriter?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Row> {
    for (;;) {
      if (this.#buffer.length > 0) {
        const batch = this.#buffer;
        this.#buffer = [];
        yield* batch;
        continue;
      }
      // Everything offered so far is written: let the readers go on.
      for (const wake of this.#wakeReaders.splice(0)) wake();
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        this.#wakeWriter = resolve;
      });
      this.#wakeWriter = undefined;
    }
  }
}
