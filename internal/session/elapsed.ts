/** Milliseconds since `startedMs` (a performance.now() reading), for --debug lines. */
export function elapsed(startedMs: number): string {
  return `${Math.round(performance.now() - startedMs)} ms`;
}
