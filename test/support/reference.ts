// An independent model of the listing, for checking the program against:
// instants as BigInt nanoseconds via Date.parse, not the program's parser.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/** Nanoseconds since the epoch of an RFC 3339 text, computed without the program's code. */
export function referenceNanos(text: string): bigint {
  const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(text);
  if (m === null) throw new Error(`not RFC 3339: ${text}`);
  const ms = Date.parse(`${m[1]}${m[3]}`);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

type Item = Record<string, AttributeValue>;
const s = (item: Item, name: string) => item[name]?.S;

/** The ids the listing must give: filter, then newest first by instant, ties by id. */
export function expectedIds(
  items: Item[],
  filter: { since?: Date; until: Date; user?: string; status?: string; profile?: string },
  limit = 0,
): string[] {
  const since = filter.since === undefined ? undefined : BigInt(filter.since.getTime()) * 1_000_000n;
  const until = BigInt(filter.until.getTime()) * 1_000_000n;
  const rows = items
    .filter((item) => filter.user === undefined || s(item, "user") === filter.user)
    .filter((item) => filter.status === undefined || s(item, "status") === filter.status)
    .filter((item) => filter.profile === undefined || s(item, "profile") === filter.profile)
    .map((item) => ({ id: s(item, "id") as string, at: referenceNanos(s(item, "created_at") as string) }))
    .filter((row) => (since === undefined || row.at >= since) && row.at <= until)
    .sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : a.at > b.at ? -1 : 1))
    .map((row) => row.id);
  return limit === 0 ? rows : rows.slice(0, limit);
}
