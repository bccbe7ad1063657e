import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from "@aws-sdk/client-dynamodb";
import type { DynamoConnection } from "../aws/dynamo-client.ts";
import { toSentinelError } from "../aws/sdk-errors.ts";
import { parseTimestamp } from "../timefilter/instant.ts";
import { inWindow } from "../timefilter/parse-when.ts";
import { olderTextBound } from "../timefilter/widen.ts";
import { itemLabel, type RawItem, readSession } from "./item-schema.ts";
import { describePlan, type ListingPlan, planListing, planOutlierQueries } from "./listing-plan.ts";
import type { Session, SessionFilter } from "./session.ts";
import type { FindEvents, FindResult, GetResult, SessionCollector, SessionStore } from "./store.ts";

const QUERY_PAGE_MIN = 100;
const QUERY_PAGE_MAX = 1_000;

type Page = {
  Items?: Record<string, AttributeValue>[];
  LastEvaluatedKey?: Record<string, AttributeValue>;
  ScannedCount?: number;
};

/** True when a session meets every filter exactly (instants, not text). */
function matches(s: Session, filter: SessionFilter): boolean {
  if (filter.user !== undefined && s.user !== filter.user) return false;
  if (filter.profile !== undefined && s.profile !== filter.profile) return false;
  if (filter.status !== undefined && s.status !== filter.status) return false;
  return inWindow(s.createdAt, filter.window);
}

/** Whether a malformed item could be in the result: only its readable fields can rule it out. */
function mightMatch(item: RawItem, filter: SessionFilter): boolean {
  const text = (name: string) => (item[name] as { S?: unknown } | undefined)?.S;
  for (const name of ["user", "profile", "status"] as const) {
    const wanted = filter[name];
    if (wanted !== undefined && typeof text(name) === "string" && text(name) !== wanted) return false;
  }
  const created = text("created_at");
  const at = typeof created === "string" ? parseTimestamp(created) : undefined;
  return at === undefined || inWindow(at, filter.window);
}

/** Sessions in a DynamoDB table of the SPEC §1 format. */
export class DynamoSessionStore implements SessionStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;
  readonly #region: string;
  readonly #endpoint: string;
  readonly #segments: number;

  constructor(connection: DynamoConnection, table: string, segments: number) {
    this.#client = connection.client;
    this.#region = connection.region;
    this.#endpoint = connection.endpoint;
    this.#table = table;
    this.#segments = segments;
  }

  async find(filter: SessionFilter, keep: SessionCollector, events: FindEvents = {}): Promise<FindResult> {
    const plan = planListing(filter);
    try {
      return await this.#run(plan, filter, keep, events);
    } catch (error) {
      if (plan.operation === "Query" && isMissingIndex(error)) {
        events.onNote?.(
          `note: index "${plan.indexName}" not found on table "${this.#table}"; scanning the whole table instead`,
        );
        return this.#run(planListing(filter, false), filter, keep, events);
      }
      throw error;
    }
  }

  async get(id: string, events: FindEvents = {}): Promise<GetResult> {
    const started = performance.now();
    const output = await this.#send("GetItem", () =>
      this.#client.send(new GetItemCommand({ TableName: this.#table, Key: { id: { S: id } }, ConsistentRead: true }), {
        abortSignal: events.signal,
      }),
    );
    events.onDebug?.(`GetItem ${id}: request id ${output.$metadata.requestId ?? "-"}, ${elapsed(started)}`);
    if (output.Item === undefined) return { kind: "missing" };
    const session = readSession(output.Item);
    return session === undefined ? { kind: "malformed", label: itemLabel(output.Item) } : { kind: "found", session };
  }

  async #run(plan: ListingPlan, filter: SessionFilter, keep: SessionCollector, outer: FindEvents): Promise<FindResult> {
    const segments = plan.operation === "Scan" ? this.#segments : 1;
    // One failing segment stops the others: the result is an error either way.
    const stopAll = new AbortController();
    outer.signal?.addEventListener("abort", () => stopAll.abort(outer.signal?.reason), { once: true });
    const events = { ...outer, signal: stopAll.signal };
    events.onDebug?.(`plan: ${describePlan(plan, segments)}`);
    const malformed: string[] = [];
    const totals = { itemsRead: 0, matched: 0, pages: 0 };
    let complete = true;

    const take = (page: Page) => {
      totals.pages++;
      totals.itemsRead += page.ScannedCount ?? 0;
      for (const item of page.Items ?? []) {
        const session = readSession(item);
        if (session === undefined) {
          if (mightMatch(item, filter)) malformed.push(itemLabel(item));
        } else if (matches(session, filter)) {
          totals.matched++;
          keep.offer(session);
        }
      }
      events.onProgress?.({ ...totals });
    };

    // Once the limit is full and more matched than it holds, a newest-text-first
    // index page whose last key is older than the bound cannot hold a better row.
    const canStop = (lastKey: Record<string, AttributeValue>) => {
      const last = keep.lastKeptAt;
      if (plan.operation !== "Query" || last === undefined || keep.offered <= keep.limit) return false;
      const text = lastKey.created_at?.S;
      return text !== undefined && text < olderTextBound(last);
    };

    // With a limit, an index is read in pages of a few times the limit, so reading
    // can stop soon after the newest rows are in, instead of after a full 1 MB page.
    const pageLimit =
      plan.operation === "Query" && keep.limit > 0
        ? Math.min(QUERY_PAGE_MAX, Math.max(QUERY_PAGE_MIN, keep.limit * 2))
        : undefined;

    const readSegment = async (segment: number) => {
      let startKey: Record<string, AttributeValue> | undefined;
      let request = this.#page(plan, segment, segments, startKey, events, pageLimit);
      for (;;) {
        const page = await request;
        startKey = page.LastEvaluatedKey;
        // Ask for the next page before turning this one into rows.
        const more = startKey !== undefined;
        if (more) request = this.#page(plan, segment, segments, startKey, events, pageLimit);
        take(page);
        if (!more) return;
        if (canStop(startKey as Record<string, AttributeValue>)) {
          complete = false;
          request.catch(() => {});
          events.onDebug?.("stopped reading: older pages cannot rank within --limit");
          return;
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: segments }, (_, segment) => readSegment(segment)));
    } catch (error) {
      stopAll.abort();
      throw error;
    }
    for (const outliers of planOutlierQueries(filter, plan)) {
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await this.#page(outliers, 0, 1, startKey, events);
        take(page);
        startKey = page.LastEvaluatedKey;
      } while (startKey !== undefined);
    }
    // Sorted, so the warning names the same items whatever order the segments answered in.
    malformed.sort();
    return { matched: totals.matched, complete, malformed, itemsRead: totals.itemsRead };
  }

  async #page(
    plan: ListingPlan,
    segment: number,
    segments: number,
    startKey: Record<string, AttributeValue> | undefined,
    events: FindEvents,
    pageLimit?: number,
  ): Promise<Page> {
    const common = {
      TableName: this.#table,
      ProjectionExpression: plan.projectionExpression,
      ExpressionAttributeNames: plan.expressionAttributeNames,
      ExpressionAttributeValues: plan.expressionAttributeValues,
      ...(plan.filterExpression === undefined ? {} : { FilterExpression: plan.filterExpression }),
      ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      ...(pageLimit === undefined ? {} : { Limit: pageLimit }),
    };
    const started = performance.now();
    const output: QueryCommandOutput | ScanCommandOutput = await this.#send(plan.operation, () =>
      plan.operation === "Query"
        ? this.#client.send(
            new QueryCommand({
              ...common,
              IndexName: plan.indexName,
              KeyConditionExpression: plan.keyConditionExpression,
              ScanIndexForward: false,
            }),
            { abortSignal: events.signal },
          )
        : this.#client.send(
            new ScanCommand({
              ...common,
              ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
            }),
            { abortSignal: events.signal },
          ),
    );
    events.onDebug?.(
      `${plan.operation}${segments > 1 ? ` segment ${segment}` : ""}: ${output.ScannedCount ?? 0} read, ${output.Count ?? 0} returned, request id ${output.$metadata.requestId ?? "-"}, attempts ${output.$metadata.attempts ?? 1}, ${elapsed(started)}`,
    );
    return output;
  }

  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isMissingIndex(error)) throw error;
      throw toSentinelError(error, { operation, table: this.#table, region: this.#region, endpoint: this.#endpoint });
    }
  }
}

function isMissingIndex(error: unknown): boolean {
  return (
    error instanceof Error &&
    error.name === "ValidationException" &&
    /specified index|index.*(does not exist|not found)/i.test(error.message)
  );
}

function elapsed(startedMs: number): string {
  return `${Math.round(performance.now() - startedMs)} ms`;
}
