import {
  type AttributeValue,
  BatchGetItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import type { DynamoConnection } from "../aws/dynamo-client.ts";
import { toSentinelError } from "../aws/sdk-errors.ts";

/** BatchGetItem takes at most 100 keys a call. */
/** DynamoDB's limit on a partition key value: under 2048 bytes. */
const MAX_KEY_BYTES = 2048;
const KEYS_PER_CALL = 100;
const PARALLEL_CALLS = 4;
/** Rounds for keys DynamoDB left unprocessed (throttling, 16 MB answers) before giving up. */
const UNPROCESSED_ROUNDS = 10;
const BACKOFF_BASE_MS = 50;
const BACKOFF_MAX_MS = 2_000;

/** A table's size, or why it is not known. */
export type TableBytes = { bytes: number } | { unknown: string };

/** A session's identity fields, as the audit matches them. */
export type SessionIdentity = { id: string; user: string; sourceIdentity: string };

const text = (a: AttributeValue | undefined) => (a !== undefined && "S" in a && typeof a.S === "string" ? a.S : "");

/** Reads sessions by id with BatchGetItem: reads in proportion to the ids asked for. */
export class DynamoSessionLookup {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #connection: DynamoConnection;

  constructor(connection: DynamoConnection, table: string) {
    this.#client = connection.client;
    this.#connection = connection;
    this.#table = table;
  }

  /**
   * The table's size in bytes as DescribeTable reports it (DynamoDB updates it
   * about every six hours), or undefined when it cannot be had (e.g. the
   * caller may not call DescribeTable) with the reason: the audit then reads by id only.
   */
  async tableBytes(signal?: AbortSignal): Promise<TableBytes> {
    try {
      const output = await this.#client.send(new DescribeTableCommand({ TableName: this.#table }), {
        abortSignal: signal,
      });
      const bytes = output.Table?.TableSizeBytes;
      if (typeof bytes !== "number" || !Number.isFinite(bytes) || bytes < 0) {
        return { unknown: "DescribeTable gave no TableSizeBytes" };
      }
      // DynamoDB updates the size about every six hours: a new table says 0 whatever it holds.
      return bytes === 0 ? { unknown: "DescribeTable says 0 bytes (updated about every six hours)" } : { bytes };
    } catch (error) {
      signal?.throwIfAborted();
      return { unknown: `DescribeTable failed: ${(error as Error).name}` };
    }
  }

  /** The sessions among `ids` that exist (missing ids are absent from the map). */
  async byIds(ids: readonly string[], signal?: AbortSignal): Promise<Map<string, SessionIdentity>> {
    const found = new Map<string, SessionIdentity>();
    // DynamoDB refuses a whole call for one key it cannot hold (empty, or 2048 bytes and more); such a
    // name cannot be a session's id, so it is simply not found (the audit calls its event orphaned).
    const unique = [...new Set(ids)].filter((id) => id !== "" && Buffer.byteLength(id) < MAX_KEY_BYTES);
    const groups: string[][] = [];
    for (let i = 0; i < unique.length; i += KEYS_PER_CALL) groups.push(unique.slice(i, i + KEYS_PER_CALL));
    let next = 0;
    const worker = async () => {
      while (next < groups.length) {
        const group = groups[next++] as string[];
        for (const session of await this.#getGroup(group, signal)) found.set(session.id, session);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_CALLS, groups.length) }, worker));
    return found;
  }

  async #getGroup(ids: readonly string[], signal?: AbortSignal): Promise<SessionIdentity[]> {
    const out: SessionIdentity[] = [];
    let keys: Record<string, AttributeValue>[] = ids.map((id) => ({ id: { S: id } }));
    for (let round = 0; keys.length > 0; round++) {
      if (round > 0) {
        if (round > UNPROCESSED_ROUNDS) {
          throw toSentinelError(
            Object.assign(new Error(`${keys.length} keys still unprocessed after ${UNPROCESSED_ROUNDS} retries`), {
              name: "ProvisionedThroughputExceededException",
            }),
            this.#context(),
          );
        }
        // Full jitter, doubling: DynamoDB returns unprocessed keys when it is throttling.
        const capMs = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (round - 1));
        await new Promise((resolve) => setTimeout(resolve, Math.random() * capMs));
      }
      const output = await this.#client
        .send(
          new BatchGetItemCommand({
            RequestItems: {
              [this.#table]: {
                Keys: keys,
                ProjectionExpression: "#id, #user, #si",
                ExpressionAttributeNames: { "#id": "id", "#user": "user", "#si": "source_identity" },
              },
            },
          }),
          { abortSignal: signal },
        )
        .catch((error: unknown) => {
          throw toSentinelError(error, this.#context());
        });
      for (const item of output.Responses?.[this.#table] ?? []) {
        const id = text(item.id);
        if (id !== "") out.push({ id, user: text(item.user), sourceIdentity: text(item.source_identity) });
      }
      keys = output.UnprocessedKeys?.[this.#table]?.Keys ?? [];
    }
    return out;
  }

  #context() {
    const c = this.#connection;
    return { operation: "BatchGetItem", table: this.#table, region: c.region, endpoint: c.endpoint };
  }
}
