import type { SourceRecord } from "../evidence/manifest.ts";
import type { SessionStore } from "../session/store.ts";

/** A source opened for reading, with what the manifest records of it. */
export type OpenedSource = {
  store: SessionStore;
  table: string;
  region: string;
  /** The endpoint read, or null for AWS's own. */
  endpoint: string | null;
  /** What the manifest records as `source`. */
  source: SourceRecord;
  close(): void;
};

/** Where an export reads its sessions (the table; a DynamoDB export is another). */
export type SessionSource = {
  /** The table's name when it is known before opening (a checkpoint records it). */
  readonly table: string;
  open(): Promise<OpenedSource>;
};
