import type { OutputFormat } from "../output/fields.ts";
import type { RowFormat } from "../output/row-format.ts";
import type { Text, Writer } from "../output/writer.ts";
import { CompactNewestFirst } from "../session/compact-rows.ts";
import { NewestFirst } from "../session/newest-first.ts";
import { RowStream } from "../session/row-stream.ts";
import type { Session, SessionFilter } from "../session/session.ts";
import type { FindEvents, FindResult, SessionStore } from "../session/store.ts";

/** What an order wrote: the rows kept and what the read found. */
export type OrderedRows = { keep: { size: number }; result: FindResult };

/** The default order: every row read first, then written newest first. */
export async function newestFirstRows(
  store: SessionStore,
  filter: SessionFilter,
  format: RowFormat<unknown>,
  { limit, output }: { limit: number; output: OutputFormat },
  stdout: Writer,
  events: FindEvents & { onRead(result: FindResult, kept: number): void },
  collect?: () => void,
): Promise<OrderedRows> {
  // A full export keeps its rows as compact bytes; a limited one keeps at most `limit` rows.
  const keep =
    limit === 0 && output !== "human"
      ? new CompactNewestFirst(format.row as (session: Session) => Text)
      : new NewestFirst(limit, format.row);
  const result = await store.find(filter, keep, events);
  events.onRead(result, keep.size);
  await format.write(stdout, collecting(keep.sorted(), collect));
  return { keep, result };
}

/**
 * Rows written between two calls of the collection (WRITING_PACING). Writing
 * leaves a view and a share of a copied chunk behind each row; left to the
 * runtime's pace, that garbage set the sorted export's peak. Measured by hand,
 * 5 interleaved runs each: the 30-day CSV of a 200,000-session table (66,720
 * rows) peaked at 138–148 MB without, 124–126 MB with a collection every
 * 16,384 rows (117–124 MB every 4,096); a whole 100,000-session table to CSV
 * took the same CPU within the runs' spread.
 */
const ROWS_PER_COLLECTION = 16_384;

function* collecting<T>(rows: Iterable<T>, collect: (() => void) | undefined): Iterable<T> {
  if (collect === undefined) return yield* rows;
  let count = 0;
  for (const row of rows) {
    yield row;
    if (++count % ROWS_PER_COLLECTION === 0) collect();
  }
}

/**
 * `--order none` reads pages of at most this many items. While the writer
 * catches up, every segment has a page parsed and the next one arriving; with
 * 1 MB pages (~2,800 sessions) those bursts set the peak, and more of them
 * coincide the longer the table. Measured by hand through a pipe, whole table
 * of 200,000 sessions, 8 segments: 1 MB pages peaked at 171–188 MB, 1,000
 * items at 123 MB, 500 at 100 MB (20,000 sessions: 98 MB), 250 at 99 MB but
 * 1.4x slower.
 */
const STREAM_PAGE_ITEMS = 500;

/** `--order none`: rows are written as pages arrive; reading waits for the writing. */
export async function streamedRows(
  store: SessionStore,
  filter: SessionFilter,
  format: RowFormat<unknown>,
  limit: number,
  stdout: Writer,
  events: FindEvents,
): Promise<OrderedRows> {
  const rows = new RowStream(limit, format.row);
  const writing = format.write(stdout, rows);
  // A failed write (a closed pipe) must not leave reading waiting for a writer that is gone.
  const writeFailed = writing.then(
    () => new Promise<never>(() => {}),
    (error) => Promise.reject(error),
  );
  writeFailed.catch(() => {});
  let result: FindResult;
  try {
    result = await store.find(filter, rows, {
      ...events,
      pageItems: STREAM_PAGE_ITEMS,
      afterPage: () => Promise.race([rows.drained(), writeFailed]),
    });
  } finally {
    rows.close();
  }
  await writing;
  return { keep: rows, result };
}
