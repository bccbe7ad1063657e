import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SentinelError } from "./errors.ts";

// The SDK reads the shared config and credentials files leniently: a file it
// cannot read, or lines it cannot parse, are skipped without a word, so a
// broken file shows up later as "no region" or "no credentials" and sends the
// user looking in the wrong place. The AWS CLI refuses such a file; so do we,
// naming the file and the line (never its content: it may hold a secret).

type SharedFile = { path: string; variable: string; kind: string };

/** The two files the SDK reads, as it finds them: the variable's path, else under $HOME/.aws. */
function sharedFiles(env: Readonly<Record<string, string | undefined>>): SharedFile[] {
  const home = env.HOME;
  const resolve = (path: string) => (path.startsWith("~/") && home ? join(home, path.slice(2)) : path);
  const files: SharedFile[] = [];
  const add = (variable: string, fallback: string, kind: string) => {
    const given = env[variable];
    if (given !== undefined && given !== "") files.push({ path: resolve(given), variable, kind });
    else if (home) files.push({ path: join(home, ".aws", fallback), variable, kind });
  };
  add("AWS_CONFIG_FILE", "config", "AWS config file");
  add("AWS_SHARED_CREDENTIALS_FILE", "credentials", "AWS credentials file");
  return files;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * What is wrong with the text of a shared config file, by the SDK's own
 * reading rules: comments from `#` or `;`, `[section]` headers, and
 * `name = value` lines (indented ones included) inside a section.
 * @example iniProblem("[default]\nregion us-east-1\n") // "line 2 is neither a [section] nor a name = value setting"
 */
export function iniProblem(text: string): string | undefined {
  let inSection = false;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).split(/(^|\s)[;#]/)[0]?.trim() ?? "";
    if (line === "") continue;
    if (line.startsWith("[")) {
      if (!line.endsWith("]")) return `line ${i + 1} opens a [section] without closing it`;
      if (line.slice(1, -1).trim() === "") return `line ${i + 1} is a section without a name`;
      inSection = true;
    } else if (line.indexOf("=") <= 0) {
      return `line ${i + 1} is neither a [section] nor a name = value setting`;
    } else if (!inSection) {
      return `line ${i + 1} is a setting outside any [section]`;
    }
  }
  return undefined;
}

/** Fails with a one-line message when a shared config or credentials file exists but is broken. */
export function checkSharedConfigFiles(env: Readonly<Record<string, string | undefined>>): void {
  for (const file of sharedFiles(env)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.path);
    } catch (error) {
      const code = (error as { code?: string }).code ?? "unknown error";
      if (code === "ENOENT") continue;
      throw new SentinelError(
        `${file.kind} "${file.path}" cannot be read (${code}): fix it, or point ${file.variable} at another file`,
      );
    }
    let problem: string | undefined;
    try {
      const text = utf8.decode(bytes);
      problem = text.includes("\u0000") ? "is not a text file" : iniProblem(text);
    } catch {
      problem = "is not UTF-8 text";
    }
    if (problem !== undefined) {
      throw new SentinelError(
        `${file.kind} "${file.path}" ${problem}: fix it, or point ${file.variable} at another file`,
      );
    }
  }
}

/**
 * The profile names a shared file defines: `[name]` in the credentials file,
 * `[profile name]` (and `[default]`) in the config file.
 * @example profileNames("[default]\n[profile audit]\nregion = x\n[sso-session s]\n", "config") // ["default", "audit"]
 */
export function profileNames(text: string, kind: "config" | "credentials"): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*\[([^\]]*)\]/gm)) {
    const header = (m[1] as string).trim();
    if (kind === "credentials") names.push(header);
    else if (header === "default") names.push(header);
    else if (/^profile\s+/.test(header)) names.push(header.replace(/^profile\s+/, "").trim());
  }
  return names;
}

/**
 * Fails with a one-line message naming the files read when the profile asked
 * for (`--aws-profile`, else AWS_PROFILE) is in neither shared file: the SDK
 * would report that as missing credentials or region, far from the cause.
 */
export function checkProfileExists(
  env: Readonly<Record<string, string | undefined>>,
  flagProfile: string | undefined,
): void {
  const profile = flagProfile ?? (env.AWS_PROFILE === "" ? undefined : env.AWS_PROFILE);
  if (profile === undefined) return;
  const read: string[] = [];
  for (const file of sharedFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file.path, "utf8");
    } catch {
      read.push(`${file.path} (not found)`);
      continue;
    }
    read.push(file.path);
    const kind = file.variable === "AWS_CONFIG_FILE" ? "config" : "credentials";
    if (profileNames(text, kind).includes(profile)) return;
  }
  const source = flagProfile === undefined ? "AWS_PROFILE" : "--aws-profile";
  throw new SentinelError(
    `profile "${profile}" (${source}) is not in the AWS config files (read: ${read.join(", ") || "none; HOME is not set"}): check the name, or create it with aws configure --profile ${profile}`,
  );
}

/** A setting's value, or undefined when it is unset or empty. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Checks the shared config and credentials files and the profile, then gives
 * the region the run names, if any: --region, AWS_REGION, AWS_DEFAULT_REGION
 * (the JS SDK reads AWS_REGION but not AWS_DEFAULT_REGION; the AWS CLI reads
 * both, in this order). Undefined leaves the region to the SDK's chain.
 */
export function checkedRegion(
  opts: { region?: string; awsProfile?: string },
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  checkSharedConfigFiles(env);
  checkProfileExists(env, opts.awsProfile);
  return opts.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION);
}
