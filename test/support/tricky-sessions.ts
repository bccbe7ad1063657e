// Session items for the export-equals-table tests: realistic sessions plus the
// tricks SPEC §1 and §5 allow in stored text (case of T and Z, odd offsets, 0-9
// fraction digits, impossible dates, garbage, no created_at) and malformed
// attributes. Seeded: the same call gives the same items.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { generateSessions, profileName, randomSource, rfc3339Nano, userName } from "../../scripts/generate-sessions.ts";

type Item = Record<string, AttributeValue>;

export const USERS = Array.from({ length: 6 }, (_, n) => userName(n));
export const PROFILES = Array.from({ length: 4 }, (_, n) => profileName(n));
export const STATUSES = ["active", "revoked", "expired"] as const;

/**
 * `sessions` generated sessions of the 30 days before `now` and `tricky` items
 * with hand-made created_at texts, all with users, profiles and statuses of the lists above.
 */
export function trickySessionItems({
  sessions,
  tricky,
  now,
  seed,
}: {
  sessions: number;
  tricky: number;
  now: Date;
  seed: number;
}): Item[] {
  const random = randomSource(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)] as T;

  /** Stored texts that play the tricks SPEC §1 and §5 allow: case, odd offsets, 0-9 fraction digits, garbage. */
  function trickyCreated(): string | undefined {
    const sec = Math.floor(now.getTime() / 1000) - 1 - int(30 * 86_400);
    const digits = int(10);
    const nanos = digits === 0 ? 0 : (int(10 ** digits - 1) + 1) * 10 ** (9 - digits);
    const minutes = int(2 * 840 + 1) - 840;
    const zone =
      minutes === 0
        ? "Z"
        : `${minutes < 0 ? "-" : "+"}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0")}:${String(Math.abs(minutes) % 60).padStart(2, "0")}`;
    const valid = rfc3339Nano(sec, nanos, zone);
    const roll = int(12);
    if (roll === 0) return valid.replace("T", "t");
    if (roll === 7) return rfc3339Nano(sec, nanos, "Z").replace(/Z$/, "z");
    if (roll === 1) return `${valid.slice(0, 5)}02-30${valid.slice(10)}`;
    if (roll === 2) return `${valid.slice(0, 11)}24${valid.slice(13)}`;
    if (roll === 3) return ` ${valid}`;
    if (roll === 4)
      return pick(["garbage", "~~~", "2026-01-20", "9", ":", "2026-01-20T10:00:00", "é2026-01-20T10:00:00Z"]);
    if (roll === 5) return undefined;
    if (roll === 6) return `${valid}x`;
    return valid;
  }

  const trickyItems = Array.from({ length: tricky }, (_, i) => {
    const item: Item = { id: { S: `${i.toString(16).padStart(12, "0")}beef` } };
    if (random() < 0.95) item.user = { S: pick(USERS) };
    if (random() < 0.95) item.profile = { S: pick(PROFILES) };
    if (random() < 0.95) item.status = { S: pick(STATUSES) };
    const created = trickyCreated();
    if (created !== undefined) item.created_at = { S: created };
    const roll = random();
    if (roll < 0.03) item.updated_at = { S: "2026-02-30T00:00:00Z" };
    else if (roll < 0.06) item.request_count = { N: "1.5" };
    else if (roll < 0.08) item.device_id = { N: "7" };
    else if (roll < 0.4) item.request_count = { N: String(int(100_000)) };
    return item;
  });
  return [
    ...generateSessions({
      count: sessions,
      now,
      days: 30,
      users: USERS.length,
      profiles: PROFILES.length,
      offsetShare: 0.3,
      seed: seed % 1000,
    }),
    ...trickyItems,
  ];
}
