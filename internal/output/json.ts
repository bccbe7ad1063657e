import type { Session } from "../session/session.ts";
import { listObject } from "./fields.ts";
import { ChunkedWriter, type Writer } from "./writer.ts";

/** Writes `{"sessions": [...]}` indented by 2 spaces, as `JSON.stringify(…, null, 2)` would. */
export async function writeJson(out: Writer, sessions: Session[]): Promise<void> {
  if (sessions.length === 0) {
    await out.write('{\n  "sessions": []\n}\n');
    return;
  }
  const chunks = new ChunkedWriter(out);
  await chunks.add('{\n  "sessions": [\n');
  for (let i = 0; i < sessions.length; i++) {
    const body = JSON.stringify(listObject(sessions[i] as Session), null, 2).replaceAll("\n", "\n    ");
    await chunks.add(i === sessions.length - 1 ? `    ${body}\n` : `    ${body},\n`);
  }
  await chunks.add("  ]\n}\n");
  await chunks.flush();
}

/** Writes one compact JSON object per line; nothing at all when empty. */
export async function writeNdjson(out: Writer, sessions: Session[]): Promise<void> {
  const chunks = new ChunkedWriter(out);
  for (const s of sessions) await chunks.add(`${JSON.stringify(listObject(s))}\n`);
  await chunks.flush();
}
