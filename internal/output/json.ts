import type { Session } from "../session/session.ts";
import { type Column, jsonObject } from "./columns.ts";
import type { RowFormat } from "./row-format.ts";
import { ChunkedWriter, type Text } from "./writer.ts";

/** `{"sessions": [...]}` indented by 2 spaces, as `JSON.stringify(…, null, 2)` writes it. */
export function jsonFormat(columns: readonly Column[]): RowFormat<Text> {
  return {
    row: (session: Session) =>
      `    ${JSON.stringify(jsonObject(columns, session), null, 2).replaceAll("\n", "\n    ")}`,
    async write(out, objects) {
      const chunks = new ChunkedWriter(out);
      let first = true;
      for await (const object of objects) {
        await chunks.add(first ? '{\n  "sessions": [\n' : ",\n");
        await chunks.add(object);
        first = false;
      }
      await chunks.add(first ? '{\n  "sessions": []\n}\n' : "\n  ]\n}\n");
      await chunks.flush();
    },
  };
}

/** One compact JSON object per line; nothing at all when empty. */
export function ndjsonFormat(columns: readonly Column[]): RowFormat<Text> {
  return {
    row: (session: Session) => `${JSON.stringify(jsonObject(columns, session))}\n`,
    async write(out, lines) {
      const chunks = new ChunkedWriter(out);
      await chunks.addAll(lines);
      await chunks.flush();
    },
  };
}
