import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { DynamoConnection } from "../aws/dynamo-client.ts";
import { InterruptedError } from "../aws/errors.ts";
import { isMissingIndex, toSentinelError } from "../aws/sdk-errors.ts";
import { elapsed } from "./elapsed.ts";
import type {
  Revocation,
  RevokeCandidate,
  RevokeEvents,
  RevokeSelector,
  RevokeStamp,
  SelectionRead,
  SessionRevoker,
  StoredSession,
} from "./revocation.ts";

type Item = Record<string, AttributeValue>;

/** The index and key attribute of each bulk selector (SPEC §1). */
const SELECTOR_INDEX: Record<RevokeSelector["by"], { indexName: string; attribute: string }> = {
  user: { indexName: "gsi-user", attribute: "user" },
  profile: { indexName: "gsi-profile", attribute: "profile" },
  "server-instance": { indexName: "gsi-server-instance", attribute: "server_instance_id" },
};

// Every attribute goes through a placeholder: "user" and "status" are reserved words.
const NAMES = {
  "#id": "id",
  "#user": "user",
  "#profile": "profile",
  "#status": "status",
  "#server_instance_id": "server_instance_id",
  "#revoked_by": "revoked_by",
  "#revoked_reason": "revoked_reason",
  "#updated_at": "updated_at",
};
const SELECTED = "#id, #user, #profile, #status";

/**
 * Only an active session is revoked, and only if the write changes `updated_at`:
 * a Sentinel server writing back a copy it read earlier conditions on the old
 * `updated_at`, so an unchanged value would let it undo the revocation.
 */
const REVOKE_CONDITION =
  "attribute_exists(#id) AND #status = :active AND (attribute_not_exists(#updated_at) OR #updated_at <> :updated_at)";
const REVOKE_UPDATE =
  "SET #status = :revoked, #revoked_by = :revoked_by, #revoked_reason = :revoked_reason, #updated_at = :updated_at";

/** Segments of the Scan that selects without an index: parallel, yet gentle on read capacity. */
const SCAN_SEGMENTS = 4;

/** Attempts per session when the read-back finds it still active (its `updated_at` equalled ours). */
const STILL_ACTIVE_ATTEMPTS = 3;

const text = (item: Item | undefined, name: string): string => {
  const value = item?.[name]?.S;
  return typeof value === "string" ? value : "";
};

function stored(item: Item): StoredSession {
  return {
    id: text(item, "id"),
    user: text(item, "user"),
    profile: text(item, "profile"),
    status: text(item, "status"),
    revokedBy: text(item, "revoked_by"),
    revokedReason: text(item, "revoked_reason"),
    updatedAt: text(item, "updated_at"),
  };
}

/** Revokes sessions in a DynamoDB table of the SPEC §1 format with conditional writes. */
export class DynamoRevoker implements SessionRevoker {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #region: string;
  readonly #endpoint: string;

  constructor(connection: DynamoConnection, table: string) {
    this.#client = connection.client;
    this.#region = connection.region;
    this.#endpoint = connection.endpoint;
    this.#table = table;
  }

  async selectActive(
    selector: RevokeSelector,
    events: RevokeEvents = {},
    read: SelectionRead = "index",
  ): Promise<RevokeCandidate[]> {
    const { indexName, attribute } = SELECTOR_INDEX[selector.by];
    const key = `#${attribute}`;
    const values: Item = { ":value": { S: selector.value }, ":active": { S: "active" } };
    const names = pick(NAMES, ["#id", "#user", "#profile", "#status", key]);
    let items = read === "index" ? await this.#queryIndex(selector, indexName, key, names, values, events) : undefined;
    if (items === undefined) {
      items = await this.#scanActive(key, names, values, events);
    } else if (selector.by !== "server-instance") {
      // Every active session has a status, the sort key of gsi-server-instance;
      // the other two indexes cannot hold a session without created_at.
      await this.#warnOfIndexGap(indexName, events);
    }
    const byId = new Map<string, RevokeCandidate>();
    for (const item of items) {
      const session = stored(item);
      if (session.id !== "" && session.status === "active") byId.set(session.id, session);
    }
    return [...byId.values()]
      .map(({ id, user, profile, status }) => ({ id, user, profile, status }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** The active sessions through the selector's index; `undefined` (with a note) when the table lacks it. */
  async #queryIndex(
    selector: RevokeSelector,
    indexName: string,
    key: string,
    names: Record<string, string>,
    values: Item,
    events: RevokeEvents,
  ): Promise<Item[] | undefined> {
    // The server-instance index has status as its sort key; the others sort by created_at.
    const keyCondition =
      selector.by === "server-instance" ? `${key} = :value AND #status = :active` : `${key} = :value`;
    try {
      return await this.#readAll("Query", events, (startKey) =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#table,
            IndexName: indexName,
            KeyConditionExpression: keyCondition,
            ...(selector.by === "server-instance" ? {} : { FilterExpression: "#status = :active" }),
            ProjectionExpression: SELECTED,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
          { abortSignal: events.signal },
        ),
      );
    } catch (error) {
      if (!isMissingIndex(error)) throw this.#ourError("Query", error);
      events.onNote?.(
        `note: index "${indexName}" not found on table "${this.#table}"; scanning the whole table instead`,
      );
      return undefined;
    }
  }

  /** The active sessions by a parallel, consistent Scan of the whole table. */
  async #scanActive(key: string, names: Record<string, string>, values: Item, events: RevokeEvents): Promise<Item[]> {
    const segments = await Promise.all(
      Array.from({ length: SCAN_SEGMENTS }, (_, segment) =>
        this.#readAll(`Scan segment ${segment}`, events, (startKey) =>
          this.#client.send(
            new ScanCommand({
              TableName: this.#table,
              FilterExpression: `${key} = :value AND #status = :active`,
              ProjectionExpression: SELECTED,
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: values,
              ConsistentRead: true,
              Segment: segment,
              TotalSegments: SCAN_SEGMENTS,
              ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
            }),
            { abortSignal: events.signal },
          ),
        ),
      ),
    ).catch((error) => {
      throw this.#ourError("Scan", error);
    });
    return segments.flat();
  }

  /**
   * A `warning:` when the table may hold sessions the index cannot show: more
   * items in the table than in the index (DescribeTable's counts), or counts
   * that cannot be read. An index holds no item without its sort key.
   */
  async #warnOfIndexGap(indexName: string, events: RevokeEvents): Promise<void> {
    const advice = "some active sessions may not be selected; pass --scan to select by a Scan of the whole table";
    let counts: { table: number; index: number } | undefined;
    try {
      const output = await this.#client.send(new DescribeTableCommand({ TableName: this.#table }), {
        abortSignal: events.signal,
      });
      const table = output.Table?.ItemCount;
      const index = output.Table?.GlobalSecondaryIndexes?.find((i) => i.IndexName === indexName)?.ItemCount;
      if (typeof table === "number" && typeof index === "number") counts = { table, index };
      events.onDebug?.(`DescribeTable: table ${table ?? "-"} items, index "${indexName}" ${index ?? "-"} items`);
    } catch (error) {
      const ours = this.#ourError("DescribeTable", error);
      if (ours instanceof InterruptedError) throw ours;
      events.onNote?.(
        `warning: could not compare the item counts of table "${this.#table}" and index "${indexName}" (DescribeTable failed: ${(error as Error).name}), and the index holds no session without created_at: ${advice}`,
      );
      return;
    }
    if (counts === undefined) {
      events.onNote?.(
        `warning: DescribeTable gave no item counts for table "${this.#table}" and index "${indexName}", and the index holds no session without created_at: ${advice}`,
      );
    } else if (counts.table > counts.index) {
      events.onNote?.(
        `warning: table "${this.#table}" holds ${counts.table.toLocaleString("en-US")} items but index "${indexName}" only ${counts.index.toLocaleString("en-US")} (it holds no item without created_at): ${advice}`,
      );
    }
  }

  async current(id: string, events: RevokeEvents = {}): Promise<StoredSession | undefined> {
    const started = performance.now();
    try {
      const output = await this.#client.send(
        new GetItemCommand({ TableName: this.#table, Key: { id: { S: id } }, ConsistentRead: true }),
        { abortSignal: events.signal },
      );
      events.onDebug?.(`GetItem ${id}: request id ${output.$metadata.requestId ?? "-"}, ${elapsed(started)}`);
      return output.Item === undefined ? undefined : stored(output.Item);
    } catch (error) {
      throw this.#ourError("GetItem", error);
    }
  }

  // Not aborted by events.signal: a stopped run awaits the revocations under way
  // and reports them (SPEC §10), rather than leave writes it cannot account for.
  async revoke(candidate: RevokeCandidate, stamp: RevokeStamp, events: RevokeEvents = {}): Promise<Revocation> {
    const row = (session: RevokeCandidate, fields: Partial<Revocation> & Pick<Revocation, "result">): Revocation => ({
      id: candidate.id,
      user: session.user,
      profile: session.profile,
      previousStatus: session.status,
      revokedBy: "",
      revokedReason: "",
      updatedAt: "",
      failure: "",
      ...fields,
    });
    try {
      for (let attempt = 1; ; attempt++) {
        const updatedAt = stamp.now();
        const started = performance.now();
        try {
          const output = await this.#client.send(
            new UpdateItemCommand({
              TableName: this.#table,
              Key: { id: { S: candidate.id } },
              UpdateExpression: REVOKE_UPDATE,
              ConditionExpression: REVOKE_CONDITION,
              ExpressionAttributeNames: pick(NAMES, [
                "#id",
                "#status",
                "#revoked_by",
                "#revoked_reason",
                "#updated_at",
              ]),
              ExpressionAttributeValues: {
                ":active": { S: "active" },
                ":revoked": { S: "revoked" },
                ":revoked_by": { S: stamp.revokedBy },
                ":revoked_reason": { S: stamp.reason },
                ":updated_at": { S: updatedAt },
              },
              ReturnValues: "ALL_OLD",
            }),
          );
          events.onDebug?.(
            `UpdateItem ${candidate.id}: revoked, request id ${output.$metadata.requestId ?? "-"}, attempts ${output.$metadata.attempts ?? 1}, ${elapsed(started)}`,
          );
          const old = output.Attributes === undefined ? candidate : stored(output.Attributes);
          return row(old, {
            result: "revoked",
            revokedBy: stamp.revokedBy,
            revokedReason: stamp.reason,
            updatedAt,
          });
        } catch (error) {
          if (!(error instanceof Error && error.name === "ConditionalCheckFailedException")) {
            // The SDK gave up, yet an attempt may have been applied with its answer lost:
            // the item then holds this very updated_at, which no other write has.
            const now = await this.current(candidate.id, { onDebug: events.onDebug }).catch(() => undefined);
            if (now?.status === "revoked" && sameRevocation(now, stamp, updatedAt)) {
              events.onDebug?.(`UpdateItem ${candidate.id}: ${(error as Error).name}, yet read back as revoked by it`);
              return row({ ...now, status: "active" }, { result: "revoked", ...storedRevocation(now) });
            }
            throw error;
          }
          events.onDebug?.(`UpdateItem ${candidate.id}: condition failed; reading it back`);
          const now = await this.current(candidate.id, { onDebug: events.onDebug });
          if (now === undefined) return row(candidate, { result: "not_found" });
          const asStored = storedRevocation(now);
          if (now.status === "revoked") {
            // Revoked by our own write only if the SDK sent it more than once (an
            // earlier attempt may have been applied with its answer lost) and the
            // item holds exactly what we wrote, down to the nanoseconds of
            // updated_at. A condition failing on the first attempt means another
            // run won, even as the same caller with the same reason.
            const ours = attemptsOf(error) > 1 && sameRevocation(now, stamp, updatedAt);
            return ours
              ? row({ ...now, status: "active" }, { result: "revoked", ...asStored })
              : row(now, { result: "already_revoked", ...asStored });
          }
          if (now.status !== "active") return row(now, { result: "not_active", ...asStored });
          // Still active: its updated_at was the very text we wrote; the next stamp differs.
          if (attempt >= STILL_ACTIVE_ATTEMPTS) {
            return row(now, {
              result: "failed",
              failure: `UpdateItem on table "${this.#table}" kept failing its condition while the session stayed active`,
            });
          }
        }
      }
    } catch (error) {
      const ours = this.#ourError("UpdateItem", error);
      if (ours instanceof InterruptedError) throw ours;
      return row(candidate, { result: "failed", failure: ours.message });
    }
  }

  async #readAll(
    operation: string,
    events: RevokeEvents,
    page: (
      startKey: Item | undefined,
    ) => Promise<{ Items?: Item[]; LastEvaluatedKey?: Item; $metadata: { requestId?: string } }>,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const started = performance.now();
      const output = await page(startKey);
      events.onDebug?.(
        `${operation}: ${output.Items?.length ?? 0} returned, request id ${output.$metadata.requestId ?? "-"}, ${elapsed(started)}`,
      );
      items.push(...(output.Items ?? []));
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }

  #ourError(operation: string, error: unknown): Error {
    return toSentinelError(error, { operation, table: this.#table, region: this.#region, endpoint: this.#endpoint });
  }
}

/** Whether the item holds exactly what this write set, down to the nanoseconds of updated_at. */
function sameRevocation(now: StoredSession, stamp: RevokeStamp, updatedAt: string): boolean {
  return now.revokedBy === stamp.revokedBy && now.revokedReason === stamp.reason && now.updatedAt === updatedAt;
}

function storedRevocation(now: StoredSession): Pick<Revocation, "revokedBy" | "revokedReason" | "updatedAt"> {
  return { revokedBy: now.revokedBy, revokedReason: now.revokedReason, updatedAt: now.updatedAt };
}

/** How many times the SDK sent the request that failed (its retry middleware records it). */
function attemptsOf(error: Error): number {
  const attempts = (error as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
  return typeof attempts === "number" ? attempts : 1;
}

function pick(names: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, names[key] as string]));
}
