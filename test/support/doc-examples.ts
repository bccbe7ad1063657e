// The commands the README, the guides and each command's --help show, read from the text itself,
// so that a new example is run by the tests without anyone listing it.
import { BINARY } from "./run-binary.ts";

export type Example = {
  source: string;
  line: string;
  /** The command's words, the program name first (`sentinel`, or `node_modules/.bin/bun` for a script). */
  words: string[];
  /** The text after `#` on the line, where an example states its exit status (`# exit 4 …`). */
  comment: string;
};

/** Shell words of a command line up to the first pipe, redirection, `;`, `&&` or comment. */
export function commandWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word = "";
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else if ("|>;&#".includes(c) || (c === "2" && line[i + 1] === ">" && !inWord)) {
      if (inWord) words.push(word);
      return { words, comment: c === "#" ? line.slice(i + 1) : (/#(.*)$/.exec(line.slice(i))?.[1] ?? "") };
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return { words, comment: "" };
}

/** The sample seeding script, as the README shows it for larger tables. */
const SEED = "node_modules/.bin/bun scripts/seed.ts ";

/**
 * The `sentinel …` (and seeding) lines of the shell code blocks (```sh, ```bash, ```console;
 * continuations joined) in a markdown text. Synopses sit in plain blocks and CI files in
 * ```yaml: those are not commands to run as they stand.
 */
export function markdownExamples(source: string, text: string): Example[] {
  const examples: Example[] = [];
  let fence: string | undefined;
  let pending = "";
  for (const raw of text.split("\n")) {
    const opening = /^\s*```(\w*)/.exec(raw);
    if (opening !== null) {
      fence = fence === undefined ? (opening[1] ?? "") : undefined;
      continue;
    }
    if (fence === undefined || !["sh", "bash", "console"].includes(fence)) continue;
    const line = pending + raw.trim().replace(/^\$ /, "");
    if (line.endsWith("\\")) {
      pending = `${line.slice(0, -1)} `;
      continue;
    }
    pending = "";
    if (line.startsWith("sentinel ") || line.startsWith(SEED)) examples.push({ source, line, ...commandWords(line) });
  }
  return examples;
}

/** The examples of `sentinel --help` and of each command's --help. */
export function helpExamples(): Example[] {
  const list = Bun.spawnSync([BINARY, "--help"]).stdout.toString();
  const commands = [...(list.split("\nExample")[0] as string).matchAll(/^ {2}sentinel ([a-z-]+(?: [a-z-]+)?) /gm)]
    .map((m) => m[1] as string)
    .filter((name) => !["help", "version", "completion"].includes(name));
  return commands.flatMap((name) => {
    const help = Bun.spawnSync([BINARY, ...name.split(" "), "--help"]).stdout.toString();
    const block = help.split(/^Examples?:\n/m)[1] ?? "";
    // A wrapped example goes on after " \" on the next line, as in a shell.
    return block
      .replace(/ \\\n\s+/g, " ")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l.startsWith("sentinel "))
      .map((line) => ({ source: `sentinel ${name} --help`, line, ...commandWords(line) }));
  });
}
