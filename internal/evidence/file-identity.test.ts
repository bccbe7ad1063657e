import { afterEach, expect, test } from "bun:test";
import {
  closeSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { descriptorIdentity, fileIdentity, resolvedPath, sameFile } from "./file-identity.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "sentinel-identity-")));
  dirs.push(dir);
  return dir;
}

test("resolvedPath() follows a chain of links to the file, relative to each link's folder", () => {
  const dir = folder();
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "data", "real.ckpt"), "{}");
  symlinkSync("real.ckpt", join(dir, "data", "hop.ckpt"));
  symlinkSync("data/hop.ckpt", join(dir, "link.ckpt"));
  expect(resolvedPath(join(dir, "link.ckpt"))).toBe(join(dir, "data", "real.ckpt"));
  expect(resolvedPath(join(dir, "data", "real.ckpt"))).toBe(join(dir, "data", "real.ckpt"));
});

test("resolvedPath() follows a link whose target does not exist yet, and a linked folder", () => {
  const dir = folder();
  mkdirSync(join(dir, "data"));
  symlinkSync("data/first.ckpt", join(dir, "dangling.ckpt"));
  symlinkSync("data", join(dir, "via"));
  expect(resolvedPath(join(dir, "dangling.ckpt"))).toBe(join(dir, "data", "first.ckpt"));
  expect(resolvedPath(join(dir, "via", "new.ckpt"))).toBe(join(dir, "data", "new.ckpt"));
});

test("resolvedPath() stops on a loop of links instead of hanging", () => {
  const dir = folder();
  symlinkSync("b", join(dir, "a"));
  symlinkSync("a", join(dir, "b"));
  expect([join(dir, "a"), join(dir, "b")]).toContain(resolvedPath(join(dir, "a")));
});

test("fileIdentity() is one value for a link, a hard link and the file; another file differs", () => {
  const dir = folder();
  writeFileSync(join(dir, "out.csv"), "x");
  writeFileSync(join(dir, "other.csv"), "x");
  symlinkSync("out.csv", join(dir, "soft"));
  linkSync(join(dir, "out.csv"), join(dir, "hard"));
  const id = fileIdentity(join(dir, "out.csv"));
  expect(fileIdentity(join(dir, "soft"))).toBe(id);
  expect(fileIdentity(join(dir, "hard"))).toBe(id);
  expect(fileIdentity(join(dir, "other.csv"))).not.toBe(id);
  // Files not made yet are told apart by the path they would be created at.
  expect(fileIdentity(join(dir, "new.json"))).toBe(fileIdentity(join(dir, ".", "new.json")));
  expect(fileIdentity(join(dir, "new.json"))).not.toBe(fileIdentity(join(dir, "new2.json")));
});

test("descriptorIdentity() of an open file equals that file's fileIdentity()", () => {
  const dir = folder();
  const path = join(dir, "export.csv");
  const fd = openSync(path, "w");
  try {
    expect(descriptorIdentity(fd)).toBe(fileIdentity(path));
  } finally {
    closeSync(fd);
  }
  expect(descriptorIdentity(987654)).toBeUndefined();
});

test("sameFile() names the first pair that is one file, skipping unknown identities", () => {
  expect(
    sameFile([
      { name: "--manifest", identity: "file:1:2" },
      { name: "--checkpoint", identity: "file:1:3" },
      { name: "stdout", identity: undefined },
      { name: "the checkpoint's lock", identity: "file:1:2" },
    ]),
  ).toBe("--manifest and the checkpoint's lock");
  expect(
    sameFile([
      { name: "a", identity: undefined },
      { name: "b", identity: undefined },
    ]),
  ).toBeUndefined();
});
