import type { ConnectionOptions } from "../aws/connection.ts";
import { requestHandlerOptions } from "../aws/connection.ts";
import { withoutUrlCredentials } from "../aws/sdk-errors.ts";
import { boundWholeAttempts } from "../aws/whole-response.ts";
import type { Instant } from "../timefilter/instant.ts";
import type { TimeWindow } from "../timefilter/parse-when.ts";
import { cloudTrailError, LOOKUP_EVENTS } from "./cloudtrail-errors.ts";
import { type ReadRecord, readRecordText } from "./event.ts";
import { RequestPacer } from "./pacer.ts";
import type { EventSource } from "./source.ts";

/** LookupEvents returns at most 50 events a page. */
const PAGE_SIZE = 50;
/** The service's limit: 2 LookupEvents requests per second per account and region. */
const REQUESTS_PER_SECOND = 2;
const PACING_MARGIN_MS = 100;

type Env = Readonly<Record<string, string | undefined>>;

/** The lower millisecond of an instant (a request's StartTime). */
const floorDate = (t: Instant) => new Date(t.sec * 1000 + Math.floor(t.nanos / 1e6));
/** The upper millisecond of an instant (a request's EndTime), so the window's end is inside. */
const ceilDate = (t: Instant) => new Date(t.sec * 1000 + Math.ceil(t.nanos / 1e6));

/**
 * AssumeRole records from the CloudTrail LookupEvents API in each region,
 * paced to the service's rate. The SDK retries throttling; every attempt,
 * retries included, waits for the region's pacer.
 */
export class CloudTrailApiSource implements EventSource {
  readonly label: string;
  readonly #connection: ConnectionOptions;
  readonly #regions: readonly string[];
  readonly #env: Env;
  readonly #onDebug: ((line: string) => void) | undefined;

  constructor(connection: ConnectionOptions, regions: readonly string[], env: Env, onDebug?: (line: string) => void) {
    this.#connection = connection;
    this.#regions = regions;
    this.#env = env;
    this.#onDebug = onDebug;
    this.label = `CloudTrail LookupEvents in ${regions.join(", ")}`;
  }

  async *read(window: TimeWindow, signal?: AbortSignal): AsyncIterable<ReadRecord> {
    if (window.since === undefined) throw new Error("a CloudTrail lookup needs a window start");
    const start = floorDate(window.since);
    const end = ceilDate(window.until);
    // Regions are read at once, each at its own pace; their pages meet in one queue.
    const queue = new PageQueue<ReadRecord[]>();
    const stop = new AbortController();
    signal?.addEventListener("abort", () => stop.abort(signal.reason), { once: true });
    let running = this.#regions.length;
    for (const region of this.#regions) {
      this.#readRegion(region, start, end, queue, stop.signal)
        .then(() => {
          if (--running === 0) queue.close();
        })
        .catch((error) => {
          stop.abort();
          queue.fail(error);
        });
    }
    try {
      for (;;) {
        const page = await queue.next();
        if (page === undefined) return;
        yield* page;
      }
    } finally {
      stop.abort();
    }
  }

  async #readRegion(
    region: string,
    start: Date,
    end: Date,
    queue: PageQueue<ReadRecord[]>,
    signal: AbortSignal,
  ): Promise<void> {
    const { CloudTrailClient, LookupEventsCommand } = await import("@aws-sdk/client-cloudtrail");
    const opts = this.#connection;
    const client = new CloudTrailClient({
      region,
      ...(opts.awsProfile === undefined ? {} : { profile: opts.awsProfile }),
      maxAttempts: opts.maxAttempts,
      retryMode: "standard",
      requestHandler: requestHandlerOptions(opts),
    });
    // Each whole attempt, request to last byte, within --timeout: a trickling endpoint cannot hang the audit.
    boundWholeAttempts(client, opts.timeoutMs, { jsonObjects: true });
    const pacer = new RequestPacer(REQUESTS_PER_SECOND, 1000, PACING_MARGIN_MS);
    client.middlewareStack.add(
      (next) => async (args) => {
        await pacer.take(signal);
        return next(args);
      },
      { step: "deserialize", name: "sentinelLookupPacer", priority: "low" },
    );
    const endpoint = withoutUrlCredentials(
      this.#env.AWS_ENDPOINT_URL_CLOUDTRAIL ??
        this.#env.AWS_ENDPOINT_URL ??
        `https://cloudtrail.${region}.amazonaws.com`,
    );
    try {
      let token: string | undefined;
      let pages = 0;
      do {
        const started = performance.now();
        const output = await client
          .send(
            new LookupEventsCommand({
              LookupAttributes: [{ AttributeKey: "EventName", AttributeValue: "AssumeRole" }],
              StartTime: start,
              EndTime: end,
              MaxResults: PAGE_SIZE,
              ...(token === undefined ? {} : { NextToken: token }),
            }),
            { abortSignal: signal },
          )
          .catch((error: unknown) => {
            throw cloudTrailError(error, LOOKUP_EVENTS, region, endpoint);
          });
        pages++;
        this.#onDebug?.(
          `LookupEvents ${region} page ${pages}: ${output.Events?.length ?? 0} events, request id ${output.$metadata.requestId ?? "-"}, attempts ${output.$metadata.attempts ?? 1}, ${Math.round(performance.now() - started)} ms`,
        );
        queue.push(
          (output.Events ?? []).map((e) =>
            e.CloudTrailEvent === undefined
              ? { kind: "malformed", label: e.EventId ?? `${region} page ${pages}` }
              : readRecordText(e.CloudTrailEvent, e.EventId ?? `${region} page ${pages}`),
          ),
        );
        token = output.NextToken;
      } while (token !== undefined && token !== "");
    } finally {
      client.destroy();
    }
  }
}

/** Pages handed from the region readers to the one consumer. */
class PageQueue<T> {
  readonly #items: T[] = [];
  #closed = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.#items.push(item);
    this.#wake?.();
  }
  close(): void {
    this.#closed = true;
    this.#wake?.();
  }
  fail(error: unknown): void {
    if (this.#error === undefined) this.#error = error;
    this.#wake?.();
  }
  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.#error !== undefined) throw this.#error;
      const item = this.#items.shift();
      if (item !== undefined) return item;
      if (this.#closed) return undefined;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }
}
