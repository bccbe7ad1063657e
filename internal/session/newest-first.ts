import { compareInstants } from "../timefilter/instant.ts";
import type { Session } from "./session.ts";

/** The listing order: `created_at` instant newest first, ties by id ascending. */
export function newestFirst(a: Session, b: Session): number {
  const byTime = compareInstants(b.createdAt, a.createdAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Keeps the first `limit` sessions in listing order out of any number offered
 * (`limit` 0 keeps all). With a limit it holds at most `limit` sessions: a heap
 * whose root is the last one kept, so a newcomer costs O(log limit).
 */
export class NewestFirst {
  readonly #limit: number;
  readonly #kept: Session[] = [];
  #offered = 0;

  constructor(limit: number) {
    this.#limit = limit;
  }

  /** How many sessions were offered in all. */
  get offered(): number {
    return this.#offered;
  }

  /** True when a limit is set and reached. */
  get full(): boolean {
    return this.#limit > 0 && this.#kept.length >= this.#limit;
  }

  /** The last session kept in listing order, once full. */
  get lastKept(): Session | undefined {
    return this.full ? this.#kept[0] : undefined;
  }

  offer(session: Session): void {
    this.#offered++;
    const heap = this.#kept;
    if (this.#limit === 0) {
      heap.push(session);
      return;
    }
    if (heap.length < this.#limit) {
      heap.push(session);
      this.#siftUp(heap.length - 1);
      return;
    }
    // Root is the worst kept; replace it only with a session that ranks before it.
    if (newestFirst(session, heap[0] as Session) >= 0) return;
    heap[0] = session;
    this.#siftDown(0);
  }

  /** The kept sessions in listing order. */
  sorted(): Session[] {
    return this.#kept.slice().sort(newestFirst);
  }

  // Max-heap by listing order: a parent ranks after its children.
  #siftUp(index: number): void {
    const heap = this.#kept;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (newestFirst(heap[i] as Session, heap[parent] as Session) <= 0) break;
      [heap[i], heap[parent]] = [heap[parent] as Session, heap[i] as Session];
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
      if (left < heap.length && newestFirst(heap[left] as Session, heap[worst] as Session) > 0) worst = left;
      if (right < heap.length && newestFirst(heap[right] as Session, heap[worst] as Session) > 0) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst] as Session, heap[i] as Session];
      i = worst;
    }
  }
}
