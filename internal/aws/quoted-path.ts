/**
 * A file or folder name quoted for a message, as the user gave it. Not
 * JSON.stringify: that doubles every backslash, so a Windows path would be
 * shown as `"C:\\logs\\trail"`, a name that is not the one typed. Only a quote
 * is escaped; control characters are left to escapeUnsafe, which every message
 * passes through on its way to the terminal.
 * @example quotedPath("C:\\logs\\trail") // "\"C:\\logs\\trail\"" (shown as "C:\logs\trail")
 */
export function quotedPath(path: string): string {
  return `"${path.replaceAll('"', '\\"')}"`;
}
