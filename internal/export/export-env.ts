import type { Signer } from "../evidence/signature.ts";
import type { CallerIdentity } from "../identity/caller.ts";
import type { Writer } from "../output/writer.ts";
import type { FindProgress } from "../session/store.ts";

/** How rows leave the pipeline: sorted newest first (kept, then written), or as read. */
export type ExportOrder = "newest" | "none";

/**
 * What the export pipeline needs of the process and of STS, handed down by
 * the command: it never reaches for either itself.
 */
export type ExportEnv = {
  /** Data only. */
  stdout: Writer;
  now(): Date;
  /** Aborted on SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** The --version line after "sentinel ", for the manifest. */
  version: string;
  /** A `warning:` line on stderr (always shown). */
  warn(line: string): Promise<void>;
  /** A `note:` line on stderr, dropped with --quiet. */
  note(line: string): Promise<void>;
  /** A `debug:` line, shown with --debug. */
  debug(line: string): void;
  /** Starts the progress line of a terminal (one that does nothing elsewhere) as reading starts. */
  startProgress(): { readonly enabled: boolean; update(progress: FindProgress): void; clear(): void };
  /**
   * The garbage collection to run after each page, paced for the order, or
   * every few thousand rows as the sorted rows are written; undefined for none.
   */
  collectorFor(stage: ExportOrder | "writing"): (() => void) | undefined;
  /** The caller's ARN and account from STS, in the table's region. */
  callerIdentity(region: string): Promise<CallerIdentity>;
  /** The caller's user name from STS (SPEC §4), in the table's region. */
  callerUserName(region: string): Promise<string>;
  /** Signs with a KMS key (SPEC §13.2); `region` is the table's, for a key given without one. */
  signer(key: { keyId: string; algorithm?: string }, region: string): Signer;
};
