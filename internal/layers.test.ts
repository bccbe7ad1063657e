// Layers point down (STYLE.md): cmd → cli → the pipelines (export, audit, revoke) → evidence,
// session, output, timefilter, identity → aws. This reads every import of every module under internal/.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const INTERNAL = import.meta.dir;
const IMPORT = /(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The layer (first folder under internal/) of every relative import of `file`. */
function importedLayers(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const layers: string[] = [];
  for (const m of source.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2];
    if (spec === undefined || !spec.startsWith(".")) continue;
    const target = relative(INTERNAL, resolve(dirname(file), spec));
    layers.push(target.startsWith("..") ? target.split("/").slice(0, 2).join("/") : (target.split("/")[0] as string));
  }
  return layers;
}

const sources = [...new Bun.Glob("*/**/*.ts").scanSync(INTERNAL)]
  .filter((path) => !path.endsWith(".test.ts"))
  .map((path) => join(INTERNAL, path));

// What each layer may import, besides itself.
const ALLOWED: Record<string, string[]> = {
  cli: ["aws", "export", "audit", "revoke", "session", "evidence", "output", "timefilter", "identity"],
  export: ["aws", "session", "evidence", "output", "timefilter", "identity"],
  revoke: ["aws", "session", "output", "timefilter", "identity"],
  evidence: ["aws", "output", "timefilter"],
  session: ["aws", "timefilter"],
  audit: ["aws", "session", "evidence", "output", "timefilter", "identity"],
  output: ["session", "timefilter"],
  identity: ["aws"],
  timefilter: [],
  aws: [],
};

test("the layering rule sees the imports it checks", () => {
  expect(sources.length).toBeGreaterThan(20);
  expect(importedLayers(join(INTERNAL, "cli/cli.ts"))).toContain("cli");
});

test.each(sources.map((file) => [relative(INTERNAL, file)]))(
  "%s imports only from its own or a lower layer",
  (path) => {
    const layer = path.split("/")[0] as string;
    const allowed = new Set([layer, ...(ALLOWED[layer] ?? [])]);
    const wrong = importedLayers(join(INTERNAL, path)).filter((target) => !allowed.has(target));
    expect(wrong).toEqual([]);
  },
);
