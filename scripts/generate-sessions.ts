// A deterministic generator of realistic Sentinel sessions, as Sentinel
// servers write them: RFC3339Nano with 0-9 fraction digits, some +hh:mm offsets.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type GeneratorOptions = {
  count: number;
  /** The newest created_at possible. */
  now: Date;
  /** created_at spreads evenly over this many days before `now`. */
  days?: number;
  users?: number;
  profiles?: number;
  /** Share of active sessions, 0–1. */
  activeShare?: number;
  /** Share of timestamps written with a non-UTC offset, 0–1. */
  offsetShare?: number;
  seed?: number;
};

/** mulberry32: small, fast, reproducible across runs and machines. */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const FIRST_NAMES = [
  "alice",
  "bob",
  "carol",
  "dave",
  "erin",
  "frank",
  "grace",
  "heidi",
  "ivan",
  "judy",
  "mallory",
  "niaj",
  "olivia",
  "peggy",
  "rupert",
  "sybil",
  "trent",
  "victor",
  "walter",
  "yara",
];
const ENVIRONMENTS = ["prod", "staging", "dev", "sandbox", "audit", "shared"];
const ROLES = ["admin", "readonly", "deploy", "billing", "security"];
const OFFSETS = ["+02:00", "-05:00", "+05:30", "+09:00", "-08:00", "+01:00", "-03:30", "+14:00", "-12:00"];

/** The n-th user name: first names, then numbered ones. */
export function userName(n: number): string {
  const first = FIRST_NAMES[n % FIRST_NAMES.length] as string;
  return n < FIRST_NAMES.length ? first : `${first}${Math.floor(n / FIRST_NAMES.length)}`;
}

export function profileName(n: number): string {
  const env = ENVIRONMENTS[n % ENVIRONMENTS.length] as string;
  const role = ROLES[Math.floor(n / ENVIRONMENTS.length) % ROLES.length] as string;
  const round = Math.floor(n / (ENVIRONMENTS.length * ROLES.length));
  return round === 0 ? `${env}-${role}` : `${env}-${role}-${round}`;
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Writes an instant (epoch ms plus extra nanoseconds) like Go's RFC3339Nano
 * in the given zone: the fraction trimmed of trailing zeros.
 * @example rfc3339Nano(Date.UTC(2026, 0, 20, 10, 30) / 1000, 500_000_000, "+02:00") // "2026-01-20T12:30:00.5+02:00"
 */
export function rfc3339Nano(epochSec: number, nanos: number, zone: string): string {
  const offsetMin =
    zone === "Z" ? 0 : (zone[0] === "-" ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  const local = new Date((epochSec + offsetMin * 60) * 1000);
  const fraction = nanos === 0 ? "" : `.${pad(nanos, 9).replace(/0+$/, "")}`;
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${fraction}${zone}`;
}

/** Sessions as DynamoDB items, the same sequence for the same options. */
export function* generateSessions(options: GeneratorOptions): Generator<Record<string, AttributeValue>> {
  const random = randomSource(options.seed ?? 42);
  const days = options.days ?? 90;
  const users = options.users ?? 200;
  const profiles = options.profiles ?? 30;
  const activeShare = options.activeShare ?? 0.1;
  const offsetShare = options.offsetShare ?? 0.1;
  const nowSec = Math.floor(options.now.getTime() / 1000);
  const int = (below: number) => Math.floor(random() * below);
  const hex = (chars: number) => Array.from({ length: chars }, () => int(16).toString(16)).join("");
  const fractionNanos = () => {
    const digits = int(10);
    if (digits === 0) return 0;
    // A fraction of exactly `digits` significant digits (its last digit non-zero).
    const value = int(10 ** (digits - 1)) * 10 + 1 + int(9);
    return value * 10 ** (9 - digits);
  };
  const stamp = (sec: number) =>
    rfc3339Nano(sec, fractionNanos(), random() < offsetShare ? (OFFSETS[int(OFFSETS.length)] as string) : "Z");

  for (let i = 0; i < options.count; i++) {
    const user = userName(int(users));
    const profile = profileName(int(profiles));
    const createdSec = nowSec - 1 - int(days * 86_400 - 1);
    const lifetimeSec = [3_600, 4 * 3_600, 12 * 3_600][int(3)] as number;
    const lastAccessSec = Math.min(createdSec + int(lifetimeSec), nowSec);
    const roll = random();
    const drawn = roll < activeShare ? "active" : roll < activeShare + 0.15 ? "revoked" : "expired";
    // A session cannot have expired before its expires_at: until then it is still active. (Active
    // sessions past expires_at do occur: a server marks them expired only when it next sees them.)
    const status = drawn === "expired" && createdSec + lifetimeSec > nowSec ? "active" : drawn;
    const item: Record<string, AttributeValue> = {
      id: { S: hex(16) },
      user: { S: user },
      profile: { S: profile },
      server_instance_id: { S: `srv-${hex(8)}` },
      status: { S: status },
      started_at: { S: stamp(createdSec) },
      last_access_at: { S: stamp(lastAccessSec) },
      expires_at: { S: stamp(createdSec + lifetimeSec) },
      created_at: { S: stamp(createdSec) },
      updated_at: { S: stamp(lastAccessSec) },
      request_count: { N: String(int(5_000)) },
      source_identity: { S: `sentinel:${user}:direct:${hex(8)}` },
      // Kept 180 days past expiry, so no generated session is old enough for TTL deletion.
      ttl: { N: String(createdSec + lifetimeSec + 180 * 86_400) },
    };
    if (random() < 0.3) item.device_id = { S: hex(32) };
    if (status === "revoked") {
      item.revoked_by = { S: userName(int(users)) };
      item.revoked_reason = {
        S: ["suspicious activity", "offboarding", "credential rotation", "manual revoke"][int(4)] as string,
      };
    }
    yield item;
  }
}
