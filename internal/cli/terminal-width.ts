import type { IO } from "./io.ts";

// Some terminals (a pty under CI, `docker -t`) report 0 columns: that is no width to fit.
const known = (columns: number | undefined) => (columns !== undefined && columns > 0 ? columns : undefined);

function fromEnv(io: IO): number | undefined {
  const columns = Number(io.env.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

/** The width to fit a human table to: a terminal's (COLUMNS first), none for a pipe or file. */
export function stdoutWidth(io: IO): number | undefined {
  if (!io.stdoutIsTTY) return undefined;
  return fromEnv(io) ?? known(io.stdoutColumns);
}

/** The width a status line on a terminal stderr must keep within (COLUMNS first); undefined when not known. */
export function stderrWidth(io: IO): number | undefined {
  if (!io.stderrIsTTY) return undefined;
  return fromEnv(io) ?? known(io.stderrColumns);
}
