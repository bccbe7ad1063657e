import { readFileSync } from "node:fs";

/** CPU seconds (user + system) a process has used so far, from /proc; undefined when unknown. */
export function processCpuS(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
