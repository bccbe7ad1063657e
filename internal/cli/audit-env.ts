import type { AuditEnv } from "../audit/untracked-audit.ts";
import type { ConnectionOptions } from "../aws/connection.ts";
import type { Deps } from "./deps.ts";
import { kmsSigner } from "./export-env.ts";
import { exportSessionsReader } from "./export-sessions-reader.ts";
import { AUDIT_PACING } from "./gc-pacer.ts";
import { say } from "./io.ts";
import { processEdge } from "./process-edge.ts";
import { Progress } from "./progress.ts";
import { stdoutWidth } from "./terminal-width.ts";

/** The process edge and the AWS factories as the audit pipeline sees them, bound to this run's connection. */
export function auditEnvOf(deps: Deps, connection: ConnectionOptions, { debug }: { debug: boolean }): AuditEnv {
  const { io } = deps;
  return {
    ...processEdge(deps, debug),
    say: (line) => say(io, line),
    statusIfStdoutCloses: (status) => io.statusIfStdoutCloses?.(status),
    startProgress: () => {
      const progress = new Progress(io);
      return { update: (p) => progress.updateAudit(p), clear: () => progress.clear() };
    },
    collector: deps.pacedCollector?.(AUDIT_PACING),
    fitWidth: () => stdoutWidth(io),
    openSessionLookup: (table) => deps.openSessionLookup(connection, table),
    openCloudTrail: (regions, onDebug) => deps.openCloudTrail(connection, regions, onDebug),
    openTrailBucket: (bucket, onDebug) => deps.openTrailBucket(connection, bucket, onDebug),
    trailPublicKeys: () => deps.trailPublicKeys(connection),
    exportSessions: exportSessionsReader(deps, connection),
    signer: (key, region) => kmsSigner(deps, connection, key, region),
  };
}
