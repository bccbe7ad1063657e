// The measuring of make bench: each case is a shell command run under GNU
// time, rounds interleaved so that drift in the machine hits every case alike.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const RESULTS = join(resolve(import.meta.dir, ".."), "bench", "results");

export type Measure = {
  wallS: number;
  cpuS: number;
  rssMb: number;
  rows: number;
  firstByteS?: number;
  /** Of a streamed run: this process's performance.now() when the last byte on stdout arrived. */
  lastByteAt?: number;
  /** Of a summary: the fastest round's wall. */
  bestWallS?: number;
};
export type Case = {
  name: string;
  command: string;
  out: string;
  rowsOf: (out: string) => number;
  group: string;
  /** Time the first byte on stdout too (read through a pipe instead of a file redirect). */
  firstByte?: boolean;
};

export const log = (line: string) => process.stderr.write(`${line}\n`);
export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
export const lines = (file: string) => {
  const text = readFileSync(file, "latin1");
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
};

/** CPU and peak RSS (largest process) from GNU time -v's report. */
export function timeReport(timeFile: string) {
  const report = readFileSync(timeFile, "utf8");
  const field = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(report)?.[1] ?? Number.NaN);
  return {
    cpuS: field("User time \\(seconds\\)") + field("System time \\(seconds\\)"),
    rssMb: field("Maximum resident set size \\(kbytes\\)") / 1024,
  };
}

/**
 * Runs a shell command under GNU time with stdout piped to this process, which
 * copies it to the output file: wall and the time of the first byte on stdout
 * from our clock (from just before the spawn), CPU and peak RSS from time -v.
 */
export async function measureStreaming(c: Case, env: Record<string, string>): Promise<Measure> {
  const timeFile = join(RESULTS, `${c.name}.time`);
  const started = performance.now();
  const child = Bun.spawn(["/usr/bin/time", "-v", "-o", timeFile, "bash", "-c", `set -o pipefail; ${c.command}`], {
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(child.stderr).text();
  const sink = Bun.file(c.out).writer();
  let firstByteS: number | undefined;
  let lastByteAt: number | undefined;
  for await (const chunk of child.stdout) {
    lastByteAt = performance.now();
    firstByteS ??= (lastByteAt - started) / 1000;
    sink.write(chunk);
  }
  await sink.end();
  const status = await child.exited;
  const wallS = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`${c.name} failed (${status}): ${(await stderr).slice(-500)}`);
  return {
    wallS,
    ...timeReport(timeFile),
    rows: c.rowsOf(c.out),
    firstByteS: firstByteS ?? Number.NaN,
    ...(lastByteAt === undefined ? {} : { lastByteAt }),
  };
}

/**
 * Runs a shell command under GNU time with stdout to the output file; wall from
 * our clock, CPU and peak RSS (largest process) from time -v. Spawned without
 * blocking this process, which answers the STS stand-in's requests meanwhile.
 */
export async function measure(c: Case, env: Record<string, string>): Promise<Measure> {
  const timeFile = join(RESULTS, `${c.name}.time`);
  const started = performance.now();
  const child = Bun.spawn(
    ["/usr/bin/time", "-v", "-o", timeFile, "bash", "-c", `set -o pipefail; ${c.command} > ${c.out}`],
    { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" },
  );
  const stderr = new Response(child.stderr).text();
  const status = await child.exited;
  const wallS = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`${c.name} failed (${status}): ${(await stderr).slice(-500)}`);
  return { wallS, ...timeReport(timeFile), rows: c.rowsOf(c.out) };
}

export async function runInterleaved(
  cases: Case[],
  env: Record<string, string>,
  runs: number,
): Promise<Map<string, Measure[]>> {
  const results = new Map<string, Measure[]>(cases.map((c) => [c.name, []]));
  for (let round = 0; round <= runs; round++) {
    for (const c of cases) {
      const m = c.firstByte === true ? await measureStreaming(c, env) : await measure(c, env);
      const first = m.firstByteS === undefined ? "" : `  first byte ${m.firstByteS.toFixed(2)} s`;
      log(
        `  ${round === 0 ? "warm-up" : `round ${round}`}  ${c.name.padEnd(34)} ${m.wallS.toFixed(2)} s  ${m.rssMb.toFixed(0)} MB  ${m.rows} rows${first}`,
      );
      if (round > 0) results.get(c.name)?.push(m);
    }
  }
  return results;
}

export const summary = (ms: Measure[]): Measure => ({
  wallS: median(ms.map((m) => m.wallS)),
  bestWallS: Math.min(...ms.map((m) => m.wallS)),
  cpuS: median(ms.map((m) => m.cpuS)),
  rssMb: median(ms.map((m) => m.rssMb)),
  rows: median(ms.map((m) => m.rows)),
  ...(ms[0]?.firstByteS === undefined ? {} : { firstByteS: median(ms.map((m) => m.firstByteS ?? Number.NaN)) }),
});

/** A row of a goals table: the figure and whether it met the goal, or that it was not measured. */
export function goalRow(
  what: string,
  value: number | undefined,
  shown: (v: number) => string,
  met: (v: number) => boolean,
): string {
  return value === undefined || Number.isNaN(value)
    ? `| ${what} | not measured in this run | – |`
    : `| ${what} | ${shown(value)} | ${met(value) ? "yes" : "**no**"} |`;
}
