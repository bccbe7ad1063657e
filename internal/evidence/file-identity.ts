import { fstatSync, readlinkSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";

/** More links than this in a row is a loop (the limit Linux uses). */
const MAX_LINKS = 40;

/**
 * The path that reading or replacing `path` reaches: symbolic links followed,
 * also a last link whose target does not exist yet, and its folder resolved.
 * Locking and the atomic rename use it, so a link stays a link and every name
 * of one file shares one lock.
 * @example resolvedPath("link.ckpt") // "/srv/data/real.ckpt" when link.ckpt -> data/real.ckpt
 */
export function resolvedPath(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    let target: string;
    try {
      target = readlinkSync(current);
    } catch {
      break; // not a link, or not there: this is the file
    }
    current = resolve(dirname(current), target);
  }
  try {
    return join(realpathSync(dirname(current)), basename(current));
  } catch {
    return current; // a missing folder: named as it is; writing there fails with its own message
  }
}

/** One file whatever its name: device and inode when it exists, else the path it would be created at. */
export function fileIdentity(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat === undefined ? `path:${resolvedPath(path)}` : `file:${stat.dev}:${stat.ino}`;
}

/** The identity of an open descriptor (stdout redirected to a file), or undefined when it cannot be read. */
export function descriptorIdentity(fd: number): string | undefined {
  try {
    const stat = fstatSync(fd);
    return `file:${stat.dev}:${stat.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The first pair of names that are one file, e.g. `--manifest and --checkpoint`,
 * or undefined when all differ. Entries without an identity are skipped.
 */
export function sameFile(files: readonly { name: string; identity: string | undefined }[]): string | undefined {
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      const [a, b] = [files[i], files[j]] as [(typeof files)[number], (typeof files)[number]];
      if (a.identity !== undefined && a.identity === b.identity) return `${a.name} and ${b.name}`;
    }
  }
  return undefined;
}
