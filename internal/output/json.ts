import type { Session } from "../session/session.ts";
import { listObject } from "./fields.ts";
import { flat, type RowFormat } from "./row-format.ts";
import { ChunkedWriter } from "./writer.ts";

/** `{"sessions": [...]}` indented by 2 spaces, as `JSON.stringify(…, null, 2)` writes it. */
export const jsonFormat: RowFormat<string> = {
  row: (session: Session) => flat(`    ${JSON.stringify(listObject(session), null, 2).replaceAll("\n", "\n    ")}`),
  async write(out, objects) {
    if (objects.length === 0) {
      await out.write('{\n  "sessions": []\n}\n');
      return;
    }
    const chunks = new ChunkedWriter(out);
    await chunks.add('{\n  "sessions": [\n');
    for (let i = 0; i < objects.length; i++) {
      await chunks.add(i === objects.length - 1 ? `${objects[i]}\n` : `${objects[i]},\n`);
    }
    await chunks.add("  ]\n}\n");
    await chunks.flush();
  },
};

/** One compact JSON object per line; nothing at all when empty. */
export const ndjsonFormat: RowFormat<string> = {
  row: (session: Session) => flat(`${JSON.stringify(listObject(session))}\n`),
  async write(out, lines) {
    const chunks = new ChunkedWriter(out);
    for (const line of lines) await chunks.add(line);
    await chunks.flush();
  },
};
