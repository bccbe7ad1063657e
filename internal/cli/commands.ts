import type { AnyCommand } from "./command.ts";

/**
 * Every command, in the order help lists them, each behind an import of its
 * own module: running one loads that module alone. Help, parsing and
 * completion come from the same entries, through command-table.ts.
 */
export const COMMAND_MODULES: readonly (() => Promise<AnyCommand>)[] = [
  async () => (await import("./list-sessions.ts")).serverSessions,
  async () => (await import("./show-session.ts")).serverSession,
  async () => (await import("./revoke-sessions.ts")).serverRevoke,
  async () => (await import("./audit-untracked.ts")).auditUntrackedSessions,
  async () => (await import("./verify.ts")).verifyCommand,
];
