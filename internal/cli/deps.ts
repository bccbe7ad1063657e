import type { ConnectionOptions } from "../aws/connection.ts";
import type { CallerIdentity } from "../identity/caller.ts";
import type { SessionStore } from "../session/store.ts";
import type { IO } from "./io.ts";

/** What main hands the commands: the process edge and the factories that reach AWS. */
export type Deps = {
  io: IO;
  /** Connects to the table; resolves the region (a usage error when there is none). */
  openStore(
    connection: ConnectionOptions,
    table: string,
    segments: number,
  ): Promise<{ store: SessionStore; region: string; endpoint: string | null; close(): void }>;
  /** The caller's ARN and account from STS. */
  callerIdentity(connection: ConnectionOptions & { region: string }): Promise<CallerIdentity>;
  /** The caller's user name from STS (SPEC §4). */
  callerUserName(connection: ConnectionOptions & { region: string }): Promise<string>;
  /** Called after every page read, e.g. to collect garbage (see gc-pacer.ts). */
  afterPage?: () => void;
  /** Aborted on SIGINT. */
  signal: AbortSignal;
  version: string;
};
