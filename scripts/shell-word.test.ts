// shellWord(): what bash reads back from `export NAME=WORD` is the value itself.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shellWord } from "./shell-word.ts";

const values = [
  "http://127.0.0.1:8000",
  "/home/me/My Projects/sentinel/.cache/sample-trail",
  "it's",
  'a "quoted" $HOME `date` \\ value;&|*?',
  "",
];

test("an env file of shell words gives back every value as it was", () => {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-shell-word-"));
  try {
    const file = join(dir, "env");
    writeFileSync(file, values.map((v, i) => `export V${i}=${shellWord(v)}\n`).join(""));
    const script = `source "$0" && ${values.map((_, i) => `printf '%s\\0' "$V${i}"`).join(" && ")}`;
    const result = spawnSync("/bin/bash", ["-c", script, file], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout.split("\0").slice(0, -1)).toEqual(values);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Values a shell leaves alone are written as they are (the guide shows them so).
  expect(shellWord("http://127.0.0.1:8000")).toBe("http://127.0.0.1:8000");
});
