import { afterEach, expect, test } from "bun:test";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockCheckpoint, processStartTime } from "./checkpoint.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "sentinel-lock-"));
  dirs.push(dir);
  return dir;
}

/** A pid that belonged to a process which has ended. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "0"], { env: { PATH: process.env.PATH ?? "" } });
  return child.pid as number;
}

/** This process's start time, read independently: field 22 of /proc/self/stat, after the parenthesised name. */
function ownStartTime(): string {
  const stat = readFileSync("/proc/self/stat", "utf8");
  return stat.replace(/^.*\) /s, "").split(" ")[19] as string;
}

test("processStartTime() reads field 22 of /proc/PID/stat, also past a name with spaces and parentheses", () => {
  expect(processStartTime(process.pid)).toBe(ownStartTime());
  expect(processStartTime(process.pid)).toMatch(/^\d+$/);
  expect(processStartTime(deadPid())).toBeUndefined();
  // A process whose name has ") (" in it: field 22 is still found after the last ")".
  const dir = folder();
  const odd = join(dir, "a) (b c");
  writeFileSync(odd, "");
  const child = spawnSync("sh", [
    "-c",
    `cp "$(command -v sleep)" "${odd}" && chmod +x "${odd}" && ("${odd}" 5 >/dev/null 2>&1 & echo $!)`,
  ]);
  const pid = Number(String(child.stdout).trim());
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    expect(stat).toContain("(a) (b c)");
    expect(processStartTime(pid)).toBe(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] as string);
  } finally {
    process.kill(pid);
  }
});

test("the lock holds this process's pid and start time, and nothing else is left beside it", () => {
  const dir = folder();
  const release = lockCheckpoint(join(dir, "c.json"));
  expect(readFileSync(join(dir, "c.json.lock"), "utf8")).toBe(`${process.pid} ${ownStartTime()}\n`);
  expect(readdirSync(dir)).toEqual(["c.json.lock"]);
  release();
  expect(readdirSync(dir)).toEqual([]);
});

test("a lock held by a live process is refused with its pid", () => {
  const dir = folder();
  writeFileSync(join(dir, "c.json.lock"), `${process.ppid}\n`);
  expect(() => lockCheckpoint(join(dir, "c.json"))).toThrow(`in use by another export (pid ${process.ppid})`);
  expect(readFileSync(join(dir, "c.json.lock"), "utf8")).toBe(`${process.ppid}\n`);
});

test("a lock held by a live process with its start time is refused", () => {
  const dir = folder();
  const held = `${process.ppid} ${processStartTime(process.ppid)}\n`;
  writeFileSync(join(dir, "c.json.lock"), held);
  expect(() => lockCheckpoint(join(dir, "c.json"))).toThrow(`in use by another export (pid ${process.ppid})`);
  expect(readFileSync(join(dir, "c.json.lock"), "utf8")).toBe(held);
});

test.each([
  ["a process that has ended", () => `${deadPid()}\n`],
  ["no pid at all", () => ""],
  // The pid lives on in an unrelated process (pid reuse): the start time tells them apart.
  ["a pid now used by another process", () => `${process.ppid} ${Number(processStartTime(process.ppid)) + 1}\n`],
])("a lock left by %s is taken over", (_, content) => {
  const dir = folder();
  writeFileSync(join(dir, "c.json.lock"), content());
  const release = lockCheckpoint(join(dir, "c.json"));
  expect(readFileSync(join(dir, "c.json.lock"), "utf8")).toBe(`${process.pid} ${ownStartTime()}\n`);
  release();
});

test("of six processes locking one checkpoint at once, exactly one holds it", async () => {
  const dir = folder();
  const script = `
    const { lockCheckpoint } = await import(${JSON.stringify(join(import.meta.dir, "checkpoint.ts"))});
    const { existsSync } = await import("node:fs");
    let release;
    try { release = lockCheckpoint(${JSON.stringify(join(dir, "c.json"))}); console.log("won"); }
    catch (error) { console.log(String(error.message).includes("is in use by another export") ? "lost" : "failed"); }
    // The winner holds the lock until every process has tried.
    if (release) { while (!existsSync(${JSON.stringify(join(dir, "done"))})) await Bun.sleep(5); release(); }
  `;
  const env = { PATH: process.env.PATH ?? "" };
  const children = Array.from({ length: 6 }, () => spawn(process.execPath, ["-e", script], { env }));
  const closed = Promise.all(children.map((child) => new Promise((resolve) => child.on("close", resolve))));
  const said = await Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolve) => {
          let out = "";
          child.stdout.on("data", (chunk) => {
            out += chunk;
            if (out.includes("\n")) resolve(out.trim());
          });
        }),
    ),
  );
  writeFileSync(join(dir, "done"), "");
  await closed;
  expect(said.filter((word) => word === "won")).toHaveLength(1);
  expect(said.filter((word) => word === "lost")).toHaveLength(5);
  expect(existsSync(join(dir, "c.json.lock"))).toBe(false);
});
