import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  ScanCommand,
  type ScanCommandOutput,
} from "@aws-sdk/client-dynamodb";
import type { DynamoConnection } from "../aws/dynamo-client.ts";
import { SentinelError } from "../aws/errors.ts";
import { isJsonObject } from "../aws/json-object.ts";
import { isMissingIndex, toSentinelError } from "../aws/sdk-errors.ts";
import { olderTextBound } from "../timefilter/widen.ts";
import { elapsed } from "./elapsed.ts";
import { itemKey, itemLabel, malformedLabel, type RawItem, readItem } from "./item-schema.ts";
import { describePlan, type ListingPlan, planListing, planOutlierQueries } from "./listing-plan.ts";
import { type MalformedEntry, malformedEntry, reportedMalformed } from "./reported-malformed.ts";
import type { SessionFilter } from "./session.ts";
import { couldMatch, matches } from "./session-match.ts";
import type { FindEvents, FindResult, GetResult, SessionCollector, SessionStore } from "./store.ts";

const QUERY_PAGE_MIN = 100;
const QUERY_PAGE_MAX = 1_000;

type Key = Record<string, AttributeValue>;

/** A Scan or Query page, checked to be one (see `pageProblem`). */
type Page = { Items: RawItem[]; LastEvaluatedKey?: Key; ScannedCount: number };

/** A page request in flight; `abort` gives it up (its failure is then ignored). */
type PendingPage = { page: Promise<Page>; abort(): void };

const isCount = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;

/**
 * Why an answer is not a Scan or Query result, or undefined. DynamoDB always
 * sends `Count` and `ScannedCount`, and `Items` with `Count` items, each an
 * attribute map; `LastEvaluatedKey`, when present, is a non-empty map.
 */
function pageProblem(output: Record<string, unknown>): string | undefined {
  if (!isCount(output.Count)) return 'no "Count"';
  if (!isCount(output.ScannedCount)) return 'no "ScannedCount"';
  const items = output.Items;
  if (!Array.isArray(items)) return '"Items" that is not a list';
  if (items.length !== output.Count) return `${items.length} items where "Count" says ${output.Count}`;
  if (!items.every(isJsonObject)) return '"Items" with an entry that is not an item';
  const key = output.LastEvaluatedKey;
  if (
    key !== undefined &&
    !(isJsonObject(key) && Object.keys(key).length > 0 && Object.values(key).every(isJsonObject))
  ) {
    return '"LastEvaluatedKey" that is not a key';
  }
  return undefined;
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
    const item: unknown = output.Item;
    if (item === undefined) return { kind: "missing" };
    if (!isJsonObject(item)) throw this.#unexpected("GetItem", '"Item" that is not an item');
    const reading = readItem(item);
    return "session" in reading
      ? { kind: "found", session: reading.session }
      : { kind: "malformed", label: malformedLabel(item, reading.problem) };
  }

  /** The table's approximate item count (DescribeTable), undefined when it cannot be had: progress then shows no total. */
  async #itemCount(signal: AbortSignal): Promise<number | undefined> {
    try {
      const output = await this.#client.send(new DescribeTableCommand({ TableName: this.#table }), {
        abortSignal: signal,
      });
      const count = output.Table?.ItemCount;
      return typeof count === "number" && Number.isSafeInteger(count) && count > 0 ? count : undefined;
    } catch {
      return undefined;
    }
  }

  async #run(plan: ListingPlan, filter: SessionFilter, keep: SessionCollector, outer: FindEvents): Promise<FindResult> {
    const segments = plan.operation === "Scan" ? this.#segments : 1;
    // One failing segment stops the others: the result is an error either way.
    const stopAll = new AbortController();
    outer.signal?.addEventListener("abort", () => stopAll.abort(outer.signal?.reason), { once: true });
    const events = { ...outer, signal: stopAll.signal };
    events.onDebug?.(`plan: ${describePlan(plan, segments)}`);
    // Keyed by item, so an item met by two reads is counted once (SPEC §5).
    const malformed = new Map<string, MalformedEntry>();
    const totals = { itemsRead: 0, matched: 0, pages: 0 };
    let complete = true;
    let total: number | undefined;
    if (plan.operation === "Scan" && outer.countTotal === true) {
      void this.#itemCount(events.signal).then((n) => {
        total = n;
      });
    }

    const take = (page: Page) => {
      totals.pages++;
      totals.itemsRead += page.ScannedCount;
      for (const item of page.Items) {
        const reading = readItem(item);
        if ("problem" in reading) {
          const key = itemKey(item);
          if (!malformed.has(key) && couldMatch(item, filter)) {
            malformed.set(key, malformedEntry(item, itemLabel(item), malformedLabel(item, reading.problem)));
          }
        } else if (matches(reading.session, filter)) {
          totals.matched++;
          keep.offer(reading.session);
        }
      }
      events.onProgress?.(total === undefined ? { ...totals } : { ...totals, total });
    };

    // Once the limit is full and more matched than it holds, a newest-text-first
    // index page whose last key is older than the bound cannot hold a better row.
    const canStop = (lastKey: Key) => {
      const last = keep.lastKeptAt;
      if (plan.operation !== "Query" || last === undefined || keep.offered <= keep.limit) return false;
      const text = lastKey.created_at?.S;
      return text !== undefined && text < olderTextBound(last);
    };

    // With a limit, an index is read in pages of a few times the limit, so reading
    // can stop soon after the newest rows are in, instead of after a full 1 MB page.
    const earlyStopLimit =
      plan.operation === "Query" && keep.limit > 0
        ? Math.min(QUERY_PAGE_MAX, Math.max(QUERY_PAGE_MIN, keep.limit * 2))
        : undefined;
    const pageLimit =
      earlyStopLimit === undefined || outer.pageItems === undefined
        ? (earlyStopLimit ?? outer.pageItems)
        : Math.min(earlyStopLimit, outer.pageItems);

    const readAll = async (read: ListingPlan, segment: number, count: number, stopEarly: boolean) => {
      // A key seen twice would send reading round in circles.
      const keysSeen = new Set<string>();
      let pending = this.#page(read, segment, count, undefined, events, pageLimit);
      try {
        for (;;) {
          const page = await pending.page;
          const startKey = page.LastEvaluatedKey;
          if (startKey !== undefined) {
            const text = JSON.stringify(startKey);
            if (keysSeen.has(text)) {
              throw new SentinelError(
                `the endpoint ${this.#endpoint} answered ${read.operation} with the "LastEvaluatedKey" of an earlier page, so reading would never end: check --endpoint-url`,
              );
            }
            keysSeen.add(text);
            // Ask for the next page before turning this one into rows.
            pending = this.#page(read, segment, count, startKey, events, pageLimit);
          }
          take(page);
          await events.afterPage?.();
          if (startKey === undefined) return;
          if (stopEarly && canStop(startKey)) {
            complete = false;
            // The next page is no longer wanted: give up its request rather than leave it running.
            pending.abort();
            events.onDebug?.("stopped reading: older pages cannot rank within --limit");
            return;
          }
        }
      } catch (error) {
        pending.abort();
        throw error;
      }
    };

    try {
      await Promise.all(Array.from({ length: segments }, (_, segment) => readAll(plan, segment, segments, true)));
      for (const outliers of planOutlierQueries(filter, plan)) await readAll(outliers, 0, 1, false);
    } catch (error) {
      stopAll.abort();
      throw error;
    }
    const labels = reportedMalformed(malformed.values(), keep);
    return { matched: totals.matched, complete, malformed: labels, itemsRead: totals.itemsRead };
  }

  /** Starts one page request, abortable on its own or with the whole listing. */
  #page(
    plan: ListingPlan,
    segment: number,
    segments: number,
    startKey: Key | undefined,
    events: FindEvents,
    pageLimit?: number,
  ): PendingPage {
    const request = new AbortController();
    const passOn = () => request.abort(events.signal?.reason);
    if (events.signal?.aborted) passOn();
    else events.signal?.addEventListener("abort", passOn, { once: true });
    const page = this.#readPage(plan, segment, segments, startKey, events, request.signal, pageLimit);
    const done = () => events.signal?.removeEventListener("abort", passOn);
    page.then(done, done);
    return {
      page,
      abort: () => {
        page.catch(() => {});
        request.abort();
      },
    };
  }

  async #readPage(
    plan: ListingPlan,
    segment: number,
    segments: number,
    startKey: Key | undefined,
    events: FindEvents,
    signal: AbortSignal,
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
            { abortSignal: signal },
          )
        : this.#client.send(
            new ScanCommand({
              ...common,
              ...(segments > 1 ? { Segment: segment, TotalSegments: segments } : {}),
            }),
            { abortSignal: signal },
          ),
    );
    const problem = pageProblem(output as unknown as Record<string, unknown>);
    if (problem !== undefined) throw this.#unexpected(plan.operation, problem);
    events.onDebug?.(
      `${plan.operation}${segments > 1 ? ` segment ${segment}` : ""}: ${output.ScannedCount ?? 0} read, ${output.Count ?? 0} returned, request id ${output.$metadata.requestId ?? "-"}, attempts ${output.$metadata.attempts ?? 1}, ${elapsed(started)}`,
    );
    return output as Page;
  }

  /** The error for an answer that is not the operation's result: the endpoint is not (only) DynamoDB. */
  #unexpected(operation: string, problem: string): SentinelError {
    return new SentinelError(
      `the endpoint ${this.#endpoint} answered ${operation} with ${problem}, which is not a ${operation} result: check --endpoint-url`,
    );
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
