// The per-item CPU path of an export, without DynamoDB: validate each
// generated item, format its row and keep it (or stream it), then write the
// rows to a sink that discards them. Usage: bun bench/item-path.ts [N] [FORMAT] [ORDER] [COLUMNS]

import { COLUMN_NAMES, columnsFor, DEFAULT_COLUMNS } from "../internal/output/columns.ts";
import { listingFormat } from "../internal/output/listing-format.ts";
import type { Text } from "../internal/output/writer.ts";
import { CompactNewestFirst } from "../internal/session/compact-rows.ts";
import { readItem } from "../internal/session/item-schema.ts";
import type { Session } from "../internal/session/session.ts";
import { instantFromDate } from "../internal/timefilter/instant.ts";
import { generateSessions } from "../scripts/generate-sessions.ts";

const n = Number(process.argv[2] ?? 100_000);
const output = (process.argv[3] ?? "csv") as "csv" | "ndjson" | "json";
const names = process.argv[5] === "all" ? COLUMN_NAMES : DEFAULT_COLUMNS;
const items = [
  ...generateSessions({ count: n, now: new Date(), days: 90, users: 200, profiles: 30, activeShare: 0.1, seed: 7 }),
];
const columns = columnsFor(names, instantFromDate(new Date()));
const format = listingFormat(output, { columns, formulaGuard: true, fitWidth: undefined });
let bytes = 0;
const sink = {
  write(chunk: Text) {
    bytes += chunk.length;
  },
};

for (let round = 0; round < 5; round++) {
  bytes = 0;
  const t0 = performance.now();
  const sessions: Session[] = [];
  for (const item of items) {
    const r = readItem(item as Record<string, unknown>);
    if ("session" in r) sessions.push(r.session);
  }
  const t1 = performance.now();
  const keep = new CompactNewestFirst(format.row as (s: Session) => Text);
  for (const s of sessions) keep.offer(s);
  const t2 = performance.now();
  await format.write(sink, keep.sorted());
  const t3 = performance.now();
  console.log(
    `read ${(t1 - t0).toFixed(0)} ms, row+keep ${(t2 - t1).toFixed(0)} ms, sort+write ${(t3 - t2).toFixed(0)} ms, ${bytes} bytes`,
  );
}
