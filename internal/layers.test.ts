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

/** The modules `file` loads when it is evaluated: its imports that are not types only, followed. */
function loadedModules(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const source = readFileSync(file, "utf8");
  for (const m of source.matchAll(/^(?:import|export)\s(?!type\s)([^;]*?)\s*from\s+["']([^"']+)["'];/gms)) {
    const [, names = "", spec = ""] = m;
    // `import { type A, type B } from …` is erased like `import type`.
    const braces = /^\{([^}]*)\}$/.exec(names.trim());
    if (braces && (braces[1] as string).split(",").every((n) => n.trim() === "" || n.trim().startsWith("type "))) {
      continue;
    }
    if (spec.startsWith(".")) loadedModules(resolve(dirname(file), spec), seen);
    else seen.add(spec);
  }
  return seen;
}

test("an export is read without loading the DynamoDB client", () => {
  const store = loadedModules(join(INTERNAL, "session/dynamo-store.ts"));
  expect(store.has("@aws-sdk/client-dynamodb")).toBe(true);
  const reader = loadedModules(join(INTERNAL, "session/dynamodb-export.ts"));
  expect(reader.has(join(INTERNAL, "session/session-match.ts"))).toBe(true);
  expect([...reader].filter((spec) => spec.startsWith("@aws-sdk/"))).toEqual([]);
});
