/** Exit statuses of SPEC §6. */
export const ExitCode = {
  Ok: 0,
  Failure: 1,
  Usage: 2,
  Malformed: 3,
  Findings: 4,
  Integrity: 5,
  Interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
