/**
 * A value as one word of a POSIX shell, for the lines of an env file to
 * `source`: as it is when it holds only characters a shell leaves alone, else
 * in single quotes (a checkout or LOCAL_DIR may have a space in its path).
 * @example shellWord("/tmp/my dir") // "'/tmp/my dir'"
 */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
