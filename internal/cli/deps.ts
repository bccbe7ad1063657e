import type { PublicKeyLister } from "../audit/public-keys.ts";
import type { IdLookup } from "../audit/session-directory.ts";
import type { EventSource } from "../audit/source.ts";
import type { TrailBucket } from "../audit/trail-bucket.ts";
import type { ConnectionOptions } from "../aws/connection.ts";
import type { Kms } from "../aws/kms-client.ts";
import type { CallerIdentity } from "../identity/caller.ts";
import type { ExportFacts } from "../session/dynamodb-export.ts";
import type { SessionRevoker } from "../session/revocation.ts";
import type { SessionStore } from "../session/store.ts";
import type { GcPacing } from "./gc-pacer.ts";
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
  /**
   * Opens a DynamoDB point-in-time export (SPEC §12): an `s3://` URI or a
   * folder; reading it makes no DynamoDB call. `concurrency` data files at once.
   */
  openExport(
    connection: ConnectionOptions,
    location: string,
    concurrency: number,
  ): Promise<{ store: SessionStore; facts: ExportFacts; close(): void }>;
  /** The caller's ARN and account from STS. */
  callerIdentity(connection: ConnectionOptions & { region: string }): Promise<CallerIdentity>;
  /** The table as the audit reads it: sessions by id (BatchGetItem) and the store for windows. */
  openSessionLookup(
    connection: ConnectionOptions,
    table: string,
  ): Promise<{ lookup: IdLookup; store: SessionStore; region: string; close(): void }>;
  /** AssumeRole records from the CloudTrail LookupEvents API in each region. */
  openCloudTrail(
    connection: ConnectionOptions,
    regions: readonly string[],
    onDebug?: (line: string) => void,
  ): EventSource;
  /** The trail's S3 bucket (SPEC §11.1): AWS_ENDPOINT_URL_S3 as its endpoint, its region followed. */
  openTrailBucket(
    connection: ConnectionOptions,
    bucket: string,
    onDebug?: (line: string) => void,
  ): Promise<{ bucket: TrailBucket; close(): void }>;
  /** CloudTrail's ListPublicKeys, for log file validation (SPEC §11.2). */
  trailPublicKeys(connection: ConnectionOptions): PublicKeyLister;
  /** Connects to the table for revocations; resolves the region (a usage error when there is none). */
  openRevoker(
    connection: ConnectionOptions,
    table: string,
  ): Promise<{ revoker: SessionRevoker; region: string; close(): void }>;
  /** AWS KMS in a region, for signing and verifying manifests (SPEC §13). */
  kms(connection: ConnectionOptions & { region: string }): Kms;
  /** The caller's user name from STS (SPEC §4). */
  callerUserName(connection: ConnectionOptions & { region: string }): Promise<string>;
  /**
   * A garbage collection paced as asked (see gc-pacer.ts), for a command to
   * call after every page it reads; absent, nothing is collected.
   */
  pacedCollector?: (pacing: GcPacing) => () => void;
  /** Aborted on SIGINT or SIGTERM. */
  signal: AbortSignal;
  /**
   * Keeps a stopped run from being ended by the stop's grace period until the
   * returned release is called: for writes it awaits and reports; absent, nothing is held.
   */
  holdStop?: () => () => void;
  version: string;
};
