/** A bad flag, argument or value: exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An expected runtime failure with a fix the user can apply: exit 1. */
export class SentinelError extends Error {
  override name = "SentinelError";
  /** Extra lines shown only with --debug (request ids, the SDK's error name). */
  readonly debugDetail: string | undefined;

  constructor(message: string, options?: { cause?: unknown; debugDetail?: string }) {
    super(message, { cause: options?.cause });
    this.debugDetail = options?.debugDetail;
  }
}

/** The run was interrupted (SIGINT): exit 130. */
export class InterruptedError extends Error {
  override name = "InterruptedError";
}
