import type { ConnectionOptions } from "../aws/connection.ts";
import { SentinelError, UsageError } from "../aws/errors.ts";
import type { Kms } from "../aws/kms-client.ts";
import { regionOfKmsArn } from "../aws/kms-key-arn.ts";
import type { Signer } from "../evidence/signature.ts";
import type { ExportEnv } from "../export/export-env.ts";
import type { SessionSource } from "../export/session-source.ts";
import type { Deps } from "./deps.ts";
import { LISTING_PACING, STREAMING_PACING, WRITING_PACING } from "./gc-pacer.ts";
import { say } from "./io.ts";
import { processEdge } from "./process-edge.ts";
import { Progress } from "./progress.ts";

/** The process edge as the export pipeline sees it: stderr lines, progress, pacing and STS. */
export function exportEnvOf(
  deps: Deps,
  connection: ConnectionOptions,
  { quiet, debug }: { quiet: boolean; debug: boolean },
): ExportEnv {
  const { io } = deps;
  return {
    ...processEdge(deps, debug),
    warn: (line) => say(io, line),
    note: async (line) => (quiet ? undefined : say(io, line)),
    startProgress: () => new Progress(io),
    collectorFor: (stage) =>
      deps.pacedCollector?.(
        stage === "none" ? STREAMING_PACING : stage === "writing" ? WRITING_PACING : LISTING_PACING,
      ),
    callerIdentity: (region) => deps.callerIdentity({ ...connection, region }),
    callerUserName: (region) => deps.callerUserName({ ...connection, region }),
    signer: (key, region) => kmsSigner(deps, connection, key, region),
  };
}

/**
 * Signs with KMS: a key ARN names its region; a key id or alias is looked up
 * in --region, else the region of the table.
 */
export function kmsSigner(
  deps: Deps,
  connection: ConnectionOptions,
  key: { keyId: string; algorithm?: string },
  region: string | undefined,
): Signer {
  let kms: Kms | undefined;
  const client = () => {
    const keyRegion = regionOfKmsArn(key.keyId) ?? connection.region ?? region;
    if (keyRegion === undefined) {
      throw new UsageError(`--sign-with "${key.keyId}": give the key's ARN, or --region for its region`);
    }
    kms ??= deps.kms({ ...connection, region: keyRegion });
    return kms;
  };
  return {
    prepare() {
      if (key.algorithm === undefined) client().prepare(key.keyId);
    },
    async sign(message) {
      try {
        return await client().sign(key.keyId, message, key.algorithm);
      } finally {
        kms?.close();
      }
    },
  };
}

/**
 * A DynamoDB point-in-time export as an export's source (SPEC §12): table and
 * region come from its tableArn; `--table`, when given, must name that table.
 */
export function dynamodbExportSource(
  deps: Deps,
  connection: ConnectionOptions,
  location: string,
  concurrency: number,
  table: string | undefined,
): SessionSource {
  return {
    table: table ?? "",
    open: async () => {
      const { store, facts, close } = await deps.openExport(connection, location, concurrency);
      if (table !== undefined && table !== facts.table) {
        close();
        throw new SentinelError(
          `the export ${facts.uri} is of table "${facts.table}", not "${table}": drop --table, or give an export of "${table}"`,
        );
      }
      return {
        store,
        table: facts.table,
        region: facts.region,
        endpoint: null,
        source: {
          kind: "dynamodb-export",
          uri: facts.uri,
          export_arn: facts.exportArn,
          export_time: facts.exportTime,
          item_count: facts.itemCount,
        },
        close,
      };
    },
  };
}

/** The session table as an export's source. */
export function tableSource(deps: Deps, connection: ConnectionOptions, table: string, segments: number): SessionSource {
  return {
    table,
    open: async () => ({ ...(await deps.openStore(connection, table, segments)), table, source: { kind: "table" } }),
  };
}
