import { auditUntrackedSessions } from "./audit-untracked.ts";
import type { AnyCommand } from "./command.ts";
import { serverSessions } from "./list-sessions.ts";
import { serverRevoke } from "./revoke-sessions.ts";
import { serverSession } from "./show-session.ts";
import { verifyCommand } from "./verify.ts";

/** Every command, in the order help lists them. Help, parsing and completion come from these entries. */
export const COMMANDS: readonly AnyCommand[] = [
  serverSessions,
  serverSession,
  serverRevoke,
  auditUntrackedSessions,
  verifyCommand,
];
