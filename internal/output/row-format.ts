import type { Session } from "../session/session.ts";
import type { Writer } from "./writer.ts";

/**
 * An output format in two steps: `row` turns a session into what is kept
 * while reading (a finished line where possible, so a long export holds only
 * compact text), and `write` writes the kept rows, in order, to stdout.
 */
export interface RowFormat<Row> {
  row(session: Session): Row;
  /** Rows may arrive as they are read (an AsyncIterable) or all at once. */
  write(out: Writer, rows: Iterable<Row> | AsyncIterable<Row>): Promise<void>;
}

/**
 * The same text as one flat string. Text built by concatenation is a rope in
 * JavaScriptCore: a tree of its pieces, about 4x the size of the text. Rows
 * kept for a long export are flattened so they cost little more than their bytes.
 */
export function flat(text: string): string {
  return Buffer.from(text).toString();
}
