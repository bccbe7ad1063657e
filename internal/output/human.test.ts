import { expect, test } from "bun:test";
import { sessionAt } from "../../test/support/session.ts";
import { columnsFor } from "./columns.ts";
import { humanFormat } from "./human.ts";

const NOW = { sec: 1_780_000_000, nanos: 0 };

async function table(ids: string[], fitWidth?: number): Promise<string> {
  const format = humanFormat(columnsFor(["id", "user"], NOW), fitWidth);
  const chunks: string[] = [];
  const out = {
    write: async (chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk));
    },
  };
  await format.write(
    out,
    ids.map((id) => format.row({ ...sessionAt(id, 1_770_000_000), user: "alice" })),
  );
  return chunks.join("");
}

test.each([
  ["off a terminal", undefined],
  ["on a terminal of 100 columns", 100],
])("humanFormat() shows an id longer than its column whole %s", async (_, fitWidth) => {
  const ids = ["0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdeX"];
  const lines = (await table(ids, fitWidth)).split("\n");
  expect(lines[1]).toStartWith(`${ids[0]}  alice`);
  expect(lines[2]).toStartWith(`${ids[1]}  alice`);
});
