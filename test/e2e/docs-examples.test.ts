// Every `sentinel …` example in the README, the guides and each command's --help
// runs against a seeded DynamoDB Local, so the docs cannot drift from behaviour.
// An example ends with exit 0 unless its line says otherwise (`# exit 3`).
import { beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateSessions } from "../../scripts/generate-sessions.ts";
import { createSessionTable, putItems } from "../../scripts/session-table.ts";
import { endpoint, item, testClient } from "../support/dynamo.ts";
import { startFakeCloudTrail } from "../support/fake-cloudtrail.ts";
import { startFakeSts } from "../support/fake-sts.ts";
import { BINARY, binaryEnv } from "../support/run-binary.ts";

const ROOT = resolve(import.meta.dir, "../..");
const DOCS = ["README.md", "docs/guide/commands.md", "docs/guide/install.md"];

type Example = { source: string; line: string; argv: string[]; status: number };

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

/**
 * The `sentinel …` lines of the shell code blocks (```sh, ```bash, ```console;
 * continuations joined) in a markdown text. Synopses sit in plain blocks and
 * CI files in ```yaml: those are not commands to run as they stand.
 */
function markdownExamples(source: string, text: string): Example[] {
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
    if (!line.startsWith("sentinel ")) continue;
    examples.push(toExample(source, line));
  }
  return examples;
}

function toExample(source: string, line: string): Example {
  const { words, comment } = commandWords(line);
  const status = Number(/exit (\d+)/.exec(comment)?.[1] ?? 0);
  // Examples name DynamoDB Local at :8000 (make local); here it is wherever the test run started it.
  const argv = words.slice(1).map((w) => w.replace(/^http:\/\/(127\.0\.0\.1|localhost):8000$/, endpoint()));
  return { source, line, argv, status };
}

function helpExamples(): Example[] {
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
      .map((l) => toExample(`sentinel ${name} --help`, l));
  });
}

const WORK = mkdtempSync(join(tmpdir(), "sentinel-docs-"));
const sts = startFakeSts("arn:aws:sts::123456789012:assumed-role/Admin/alice");
// No AssumeRole events: the audit examples run their whole path and find nothing.
const cloudTrail = startFakeCloudTrail({ events: {} });
const ENV = () =>
  binaryEnv({
    AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
    AWS_ENDPOINT_URL_STS: sts.url,
    AWS_ENDPOINT_URL_CLOUDTRAIL: cloudTrail.url,
  });

beforeAll(async () => {
  await createSessionTable(testClient(), "sentinel-sessions");
  const now = new Date();
  await putItems(testClient(), "sentinel-sessions", [
    ...generateSessions({ count: 400, now, days: 60, seed: 11 }),
    item({ id: "0123456789abcdef", user: "alice", status: "active", created_at: now.toISOString() }),
  ]);
  // Files the examples name: a trail folder (as `aws s3 sync` leaves it) and an archive of sessions.
  mkdirSync(join(WORK, "trail"), { recursive: true });
  const archive = Bun.spawnSync(
    [BINARY, "server-sessions", "--table", "sentinel-sessions", "--since", "90d", "--output", "ndjson"],
    {
      env: ENV(),
    },
  );
  writeFileSync(join(WORK, "archive.ndjson"), archive.stdout);
  // An export with its manifest, for the examples of verify (asynchronously: the fake STS answers in this process).
  const exported = Bun.spawn(
    [
      BINARY,
      "server-sessions",
      "--table",
      "sentinel-sessions",
      "--since",
      "7d",
      "--output",
      "csv",
      "--manifest",
      "week.manifest.json",
    ],
    { cwd: WORK, env: ENV(), stdout: "pipe", stderr: "inherit" },
  );
  writeFileSync(join(WORK, "week.csv"), await new Response(exported.stdout).text());
  expect(await exported.exited).toBe(0);
});

const examples = [
  ...DOCS.flatMap((path) => markdownExamples(path, readFileSync(join(ROOT, path), "utf8"))),
  ...helpExamples(),
];

test("the docs hold examples to run", () => {
  expect(examples.length).toBeGreaterThan(10);
  expect(examples.some((e) => e.source.endsWith("--help"))).toBe(true);
});

test.each(examples.map((e) => [`${e.source}: ${e.line}`, e]))("%s", async (_, example) => {
  const { argv, status } = example as Example;
  const proc = Bun.spawn([BINARY, ...argv], {
    cwd: WORK,
    env: ENV(),
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stderr, code] = await Promise.all([
    new Response(proc.stderr).text(),
    proc.exited,
    new Response(proc.stdout).text(),
  ]);
  expect({ code, stderr: code === status ? "" : stderr }).toEqual({ code: status, stderr: "" });
});
