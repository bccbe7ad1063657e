import type { Text, Writer } from "../output/writer.ts";
import type { FindProgress } from "../session/store.ts";
import { count, type IO } from "./io.ts";

const REDRAW_EVERY_MS = 250;
const SHOW_AFTER_MS = 1_000;
const ERASE_LINE = "\r\u001b[2K";

/**
 * A one-line progress display on a TTY stderr (never on a pipe): items read
 * and matched, pages, rate, elapsed. Appears only for reads longer than a second.
 */
export class Progress {
  readonly #io: IO;
  readonly #enabled: boolean;
  readonly #clockMs: () => number;
  readonly #startedMs: number;
  #lastDrawMs = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(io: IO, clockMs: () => number = () => performance.now()) {
    this.#io = io;
    this.#enabled = io.stderrIsTTY && io.env.CI === undefined;
    this.#clockMs = clockMs;
    this.#startedMs = clockMs();
  }

  update(p: FindProgress): void {
    if (!this.#enabled) return;
    const nowMs = this.#clockMs();
    const elapsedMs = nowMs - this.#startedMs;
    if (elapsedMs < SHOW_AFTER_MS || nowMs - this.#lastDrawMs < REDRAW_EVERY_MS) return;
    this.#lastDrawMs = nowMs;
    const rate = Math.round(p.itemsRead / (elapsedMs / 1000));
    const pages = `${count(p.pages)} ${p.pages === 1 ? "page" : "pages"}`;
    const line = `${count(p.itemsRead)} read, ${count(p.matched)} matched, ${pages}, ${count(rate)}/s, ${(elapsedMs / 1000).toFixed(1)}s`;
    this.#drawn = true;
    void this.#io.stderr.write(`${ERASE_LINE}${line}`);
  }

  /** Erases the line before anything else is written. */
  clear(): void {
    if (this.#drawn) void this.#io.stderr.write(ERASE_LINE);
    this.#drawn = false;
  }

  /** Work done of a known total, e.g. a bulk revocation: "1,867 of 5,000 sessions done, 412/s, 4.5s". */
  updateDone(done: number, total: number, noun: string): void {
    if (!this.#enabled) return;
    const nowMs = this.#clockMs();
    const elapsedMs = nowMs - this.#startedMs;
    if (elapsedMs < SHOW_AFTER_MS || nowMs - this.#lastDrawMs < REDRAW_EVERY_MS) return;
    this.#lastDrawMs = nowMs;
    const rate = Math.round(done / (elapsedMs / 1000));
    const line = `${count(done)} of ${count(total)} ${noun} done, ${count(rate)}/s, ${(elapsedMs / 1000).toFixed(1)}s`;
    this.#drawn = true;
    void this.#io.stderr.write(`${ERASE_LINE}${line}`);
  }
}

/**
 * Terminal stderr that erases a status line (text left without a final
 * newline, as Progress draws it) before the next message, so a message, and
 * above all `error: interrupted`, never lands at the end of a progress line,
 * whichever path stopped the run.
 */
export function erasingStatusLine(stderr: Writer): Writer {
  let statusShown = false;
  return {
    write(chunk: Text) {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      if (text === "") return;
      const erase = statusShown && !text.startsWith("\r");
      statusShown = !(text.endsWith("\n") || text.endsWith(ERASE_LINE));
      return stderr.write(erase ? `${ERASE_LINE}${text}` : text);
    },
  };
}
