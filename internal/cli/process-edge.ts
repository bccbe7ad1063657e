import type { Deps } from "./deps.ts";
import { say } from "./io.ts";

/** What every pipeline gets of the process: stdout, the clock, the stop signal, the version, `debug:` lines. */
export function processEdge(deps: Deps, debug: boolean) {
  const { io } = deps;
  return {
    stdout: io.stdout,
    now: () => io.now(),
    signal: deps.signal,
    version: deps.version,
    debug: (line: string) => (debug ? void say(io, `debug: ${line}`) : undefined),
  };
}
