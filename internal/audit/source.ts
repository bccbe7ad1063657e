import type { TimeWindow } from "../timefilter/parse-when.ts";
import type { ReadRecord } from "./event.ts";

/** Where AssumeRole records come from: the CloudTrail API or trail log files. */
export interface EventSource {
  /** One line for --debug and messages, e.g. "CloudTrail LookupEvents in us-east-1, eu-west-1". */
  readonly label: string;
  /** Log files read so far (a folder or bucket source); undefined for the API. */
  readonly filesRead?: number;
  /**
   * Every record that may lie in the window (the caller applies the window
   * exactly); sources may return more. Records of other kinds come as "other".
   */
  read(window: TimeWindow, signal?: AbortSignal): AsyncIterable<ReadRecord>;
}
