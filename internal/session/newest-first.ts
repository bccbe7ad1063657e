import type { Instant } from "../timefilter/instant.ts";
import type { Session } from "./session.ts";
import type { SessionCollector } from "./store.ts";

/** A kept session reduced to its sort key and its output row. */
type Entry<Row> = { sec: number; nanos: number; id: string; row: Row };

/**
 * The listing order on sort keys: `created_at` newest first, ties by id
 * ascending. Scalar arguments, so callers with keys in typed arrays need not
 * build objects per comparison.
 */
export function compareListingKeys(
  secA: number,
  nanosA: number,
  idA: string,
  secB: number,
  nanosB: number,
  idB: string,
): number {
  if (secA !== secB) return secB - secA;
  if (nanosA !== nanosB) return nanosB - nanosA;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
}

function rank(a: { sec: number; nanos: number; id: string }, b: { sec: number; nanos: number; id: string }): number {
  return compareListingKeys(a.sec, a.nanos, a.id, b.sec, b.nanos, b.id);
}

/** The listing order on sessions: `created_at` instant newest first, ties by id ascending. */
export function newestFirst(a: Session, b: Session): number {
  return rank({ ...a.createdAt, id: a.id }, { ...b.createdAt, id: b.id });
}

/**
 * Keeps the first `limit` sessions in listing order out of any number offered
 * (`limit` 0 keeps all), each as its sort key plus the row `toRow` makes of
 * it, so no session or SDK object outlives its page. With a limit it holds at
 * most `limit` rows: a heap whose root is the last one kept, and a newcomer
 * that cannot rank is never formatted.
 */
export class NewestFirst<Row> implements SessionCollector {
  readonly limit: number;
  readonly #toRow: (session: Session) => Row;
  readonly #kept: Entry<Row>[] = [];
  #offered = 0;

  constructor(limit: number, toRow: (session: Session) => Row) {
    this.limit = limit;
    this.#toRow = toRow;
  }

  get offered(): number {
    return this.#offered;
  }

  /** How many rows are kept. */
  get size(): number {
    return this.#kept.length;
  }

  get full(): boolean {
    return this.limit > 0 && this.#kept.length >= this.limit;
  }

  get lastKeptAt(): Instant | undefined {
    const root = this.full ? this.#kept[0] : undefined;
    return root === undefined ? undefined : { sec: root.sec, nanos: root.nanos };
  }

  offer(session: Session): void {
    this.#offered++;
    const heap = this.#kept;
    const key = { sec: session.createdAt.sec, nanos: session.createdAt.nanos, id: session.id };
    if (this.limit === 0 || heap.length < this.limit) {
      heap.push({ ...key, row: this.#toRow(session) });
      if (this.limit > 0) this.#siftUp(heap.length - 1);
      return;
    }
    // Root is the worst kept; replace it only with a session that ranks before it.
    if (rank(key, heap[0] as Entry<Row>) >= 0) return;
    heap[0] = { ...key, row: this.#toRow(session) };
    this.#siftDown(0);
  }

  /** The kept rows in listing order. */
  sorted(): Row[] {
    return this.#kept
      .slice()
      .sort(rank)
      .map((entry) => entry.row);
  }

  // Max-heap by listing order: a parent ranks after its children.
  #siftUp(index: number): void {
    const heap = this.#kept;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (rank(heap[i] as Entry<Row>, heap[parent] as Entry<Row>) <= 0) break;
      [heap[i], heap[parent]] = [heap[parent] as Entry<Row>, heap[i] as Entry<Row>];
      i = parent;
    }
  }

  #siftDown(index: number): void {
    const heap = this.#kept;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && rank(heap[left] as Entry<Row>, heap[worst] as Entry<Row>) > 0) worst = left;
      if (right < heap.length && rank(heap[right] as Entry<Row>, heap[worst] as Entry<Row>) > 0) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] as Entry<Row>, heap[i] as Entry<Row>];
      i = worst;
    }
  }
}
