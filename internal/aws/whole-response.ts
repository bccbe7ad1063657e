// The SDK's requestTimeout stops once the response headers arrive: an endpoint
// that sends headers and then stalls, or trickles a byte a second, would hold
// a run forever. This wraps the SDK's HTTP handler so that each attempt, from
// sending the request to the last byte of its answer, ends within the
// timeout; the body is read here, whole, and handed on as bytes.

/** An HTTP response as the SDK's handlers give it; the body a Node stream until read. */
type SdkResponse = { statusCode: number; headers: Record<string, string | undefined>; body: unknown };

/** What the wrapper needs of the SDK's handler (NodeHttpHandler): `handle`, plus what it passes on. */
export type SdkHttpHandler = {
  handle(
    request: unknown,
    options?: { abortSignal?: AbortSignal; [option: string]: unknown },
  ): Promise<{
    response: SdkResponse;
  }>;
  updateHttpClientConfig?(key: never, value: never): void;
  httpHandlerConfigs?(): unknown;
  destroy?(): void;
  readonly metadata?: unknown;
};

/** An answer that no DynamoDB endpoint gives: not retried, since asking again will not help. */
export class UnexpectedAnswerError extends Error {
  override name = "UnexpectedAnswerError";
}

/**
 * Why a successful answer's body cannot be an awsJson result (always a JSON
 * object), or undefined. Only the first byte is looked at: the SDK parses the
 * rest, and a body that starts like an object but is not one fails there.
 */
export function jsonObjectProblem(body: Uint8Array, contentType: string | undefined): string | undefined {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09)) i++;
  if (i === body.length) return "an empty body";
  if (body[i] === 0x7b) return undefined; // "{"
  return `a body that is not a JSON object${contentType ? ` (${contentType.split(";")[0]})` : ""}`;
}

function timeoutError(timeoutMs: number): Error {
  // The SDK's own name and code for a timed-out attempt: its standard retry strategy retries it.
  return Object.assign(new Error(`no complete response within ${timeoutMs} ms`), {
    name: "TimeoutError",
    code: "ETIMEDOUT",
  });
}

async function readBody(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  const chunks: Uint8Array[] = [];
  for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  }
  return Buffer.concat(chunks);
}

function destroyBody(body: unknown): void {
  (body as { destroy?: () => void } | undefined)?.destroy?.();
}

/**
 * The SDK's handler with a deadline on each whole attempt (request sent,
 * answer read to its last byte) and, when `jsonObjects` is set, a check that
 * a successful answer is a JSON object (DynamoDB's protocol).
 */
export class WholeResponseHandler implements SdkHttpHandler {
  readonly #inner: SdkHttpHandler;
  readonly #timeoutMs: number;
  readonly #jsonObjects: boolean;

  constructor(inner: SdkHttpHandler, timeoutMs: number, options: { jsonObjects: boolean }) {
    this.#inner = inner;
    this.#timeoutMs = timeoutMs;
    this.#jsonObjects = options.jsonObjects;
  }

  get metadata(): unknown {
    return this.#inner.metadata;
  }

  async handle(
    request: unknown,
    options: { abortSignal?: AbortSignal; [option: string]: unknown } = {},
  ): Promise<{ response: SdkResponse }> {
    const outer = options.abortSignal;
    const attempt = new AbortController();
    let response: SdkResponse | undefined;
    const passOn = () => {
      attempt.abort(outer?.reason);
      if (response !== undefined) destroyBody(response.body);
    };
    if (outer?.aborted) passOn();
    else outer?.addEventListener("abort", passOn, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = timeoutError(this.#timeoutMs);
        reject(error);
        attempt.abort(error);
        if (response !== undefined) destroyBody(response.body);
      }, this.#timeoutMs);
    });
    const whole = (async () => {
      const answer = await this.#inner.handle(request, { ...options, abortSignal: attempt.signal });
      response = answer.response;
      if (attempt.signal.aborted) {
        destroyBody(response.body);
        throw attempt.signal.reason;
      }
      let body: Uint8Array;
      try {
        body = await readBody(response.body);
      } catch (error) {
        // A body cut short by the deadline or an interrupt fails as that, not as a broken stream.
        throw attempt.signal.aborted ? attempt.signal.reason : error;
      }
      response.body = body;
      const status = response.statusCode;
      if (this.#jsonObjects && status >= 200 && status < 300) {
        const problem = jsonObjectProblem(body, response.headers["content-type"]);
        if (problem !== undefined) throw new UnexpectedAnswerError(`HTTP ${status} and ${problem}`);
      }
      return answer;
    })();
    // Once the deadline has won, the attempt's own failure (aborted) is of no interest.
    whole.catch(() => {});
    try {
      return await Promise.race([whole, deadline]);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener("abort", passOn);
    }
  }

  updateHttpClientConfig(key: never, value: never): void {
    this.#inner.updateHttpClientConfig?.(key, value);
  }

  httpHandlerConfigs(): unknown {
    return this.#inner.httpHandlerConfigs?.() ?? {};
  }

  destroy(): void {
    this.#inner.destroy?.();
  }
}

/**
 * Puts a WholeResponseHandler in front of an SDK client's own handler (every
 * request goes through `config.requestHandler`), e.g. for DynamoDB with
 * `jsonObjects: true`, for STS (XML) with `false`.
 */
export function boundWholeAttempts(client: { config: object }, timeoutMs: number, options: { jsonObjects: boolean }) {
  const config = client.config as { requestHandler: SdkHttpHandler };
  config.requestHandler = new WholeResponseHandler(config.requestHandler, timeoutMs, options);
}
