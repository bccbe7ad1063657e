import { expect, test } from "bun:test";
import { escapeUnsafe } from "../output/printable.ts";
import { quotedPath } from "./quoted-path.ts";

test.each([
  ["C:\\logs\\trail", '"C:\\logs\\trail"'],
  ["Z:\\tmp\\m.json", '"Z:\\tmp\\m.json"'],
  ["/var/log/trail", '"/var/log/trail"'],
  ['say "hi".json', '"say \\"hi\\".json"'],
  ["", '""'],
])("quotedPath(%p) is %p", (path, quoted) => {
  expect(quotedPath(path)).toBe(quoted);
});

test("quotedPath() and escapeUnsafe() show a control character in a name as JSON.stringify does", () => {
  for (const path of ["a\u001b[31mb", "line\nbreak", "tab\there", "bell\u0007"]) {
    expect(escapeUnsafe(quotedPath(path))).toBe(JSON.stringify(path));
  }
});
