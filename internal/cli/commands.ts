import type { AnyCommand } from "./command.ts";

/**
 * Every command, in the order help lists them, each behind an import of its
 * own module: running one loads that module alone. Help, parsing and
 * completion come from the same entries, through command-table.ts.
 */
export const COMMAND_MODULES: readonly (() => Promise<AnyCommand>)[] = [
  async () => {
    const [{ serverSessions }, { COLUMN_NAMES }] = await Promise.all([
      import("./list-sessions.ts"),
      import("../output/columns.ts"),
    ]);
    // `--columns` takes a comma-separated list of column names: completion offers them name by name.
    const columns = serverSessions.flags.columns as AnyCommand["flags"][string];
    return {
      ...serverSessions,
      flags: { ...serverSessions.flags, columns: { ...columns, listOf: [...COLUMN_NAMES, "all"] } },
    };
  },
  async () => (await import("./show-session.ts")).serverSession,
  async () => (await import("./revoke-sessions.ts")).serverRevoke,
  async () => (await import("./audit-untracked.ts")).auditUntrackedSessions,
];
