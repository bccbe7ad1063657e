import type { Session } from "../session/session.ts";
import type { Writer } from "./writer.ts";

/**
 * An output format in two steps: `row` turns a session into what is kept
 * while reading (a finished line where possible), and `write` writes the kept
 * rows, in order, to stdout. A line is a string, encoded to UTF-8 once: by the
 * byte arena of a full export (`CompactNewestFirst`), which then hands its
 * bytes to the writer, or else by the writer itself.
 */
export interface RowFormat<Row> {
  row(session: Session): Row;
  /** Rows may arrive as they are read (an AsyncIterable) or all at once. */
  write(out: Writer, rows: Iterable<Row> | AsyncIterable<Row>): Promise<void>;
}
