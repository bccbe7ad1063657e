import { closeSync, openSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** Why `path` cannot be written as a file, or undefined when it can (checked before the work starts). */
export function unwritableReason(path: string): string | undefined {
  const folder = dirname(path);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) return "is a directory";
    if (!statSync(folder).isDirectory()) return `${folder} is not a directory`;
  } catch {
    return `folder ${folder} does not exist`;
  }
  // Prove the folder takes a new file (what the atomic write needs): create and remove a probe.
  const probe = join(folder, `.${basename(path)}.${process.pid}.probe`);
  try {
    closeSync(openSync(probe, "wx"));
    rmSync(probe);
  } catch (error) {
    return `cannot create files in ${folder} (${(error as NodeJS.ErrnoException).code ?? "error"})`;
  }
  return undefined;
}
