import type { AuditProgress } from "../audit/untracked-audit.ts";
import { displayWidth, truncate } from "../output/printable.ts";
import type { Text, Writer } from "../output/writer.ts";
import type { FindProgress } from "../session/store.ts";
import { count, type IO } from "./io.ts";
import { stderrWidth } from "./terminal-width.ts";

const REDRAW_EVERY_MS = 250;
const SHOW_AFTER_MS = 1_000;
const ERASE_LINE = "\r\u001b[2K";

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/**
 * A duration to come, rounded up, in at most two units.
 * @example timeLeft(200) // "3m20s"
 */
export function timeLeft(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3_600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3_600)}h${String(Math.floor((s % 3_600) / 60)).padStart(2, "0")}m`;
}

/**
 * A byte count in decimal units, one decimal from KB on.
 * @example byteSize(1_234_567) // "1.2 MB"
 */
export function byteSize(bytes: number): string {
  if (bytes < 1_000) return `${bytes} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let value = bytes / 1_000;
  let unit = 0;
  while (value >= 999.95 && unit < units.length - 1) {
    value /= 1_000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * Share done and the time left, from `done` of about `total` after `elapsedMs`
 * at the pace so far; undefined when that is no estimate (nothing done yet, or
 * more done than the approximate total).
 */
function estimate(done: number, total: number | undefined, elapsedMs: number) {
  if (total === undefined || done <= 0 || done >= total) return undefined;
  const percent = `${Math.floor((done / total) * 100)}%`;
  return { percent, left: timeLeft(((total - done) * elapsedMs) / done / 1000) };
}

/**
 * The longest of `forms` (longest first) that fits `width` columns less one:
 * a line that reached the last column could wrap, and a wrapped line is left
 * behind when the next one is drawn. The last form is cut if nothing fits.
 */
export function fitStatusLine(forms: readonly string[], width: number | undefined): string {
  if (width === undefined) return forms[0] as string;
  const room = Math.max(1, width - 1);
  for (const form of forms) if (displayWidth(form) <= room) return form;
  const last = forms[forms.length - 1] as string;
  return room > 3 ? truncate(last, room) : last.slice(0, room);
}

/**
 * A one-line progress display on a TTY stderr (never on a pipe): items read
 * and matched, pages, rate, elapsed, and with a known total the share done and
 * the time left. Appears only for reads longer than a second, and fits the
 * terminal's width with shorter forms.
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

  /** True when progress is drawn at all (a terminal stderr, not CI): only then is a total worth asking for. */
  get enabled(): boolean {
    return this.#enabled;
  }

  update(p: FindProgress): void {
    this.#draw((elapsedMs) => {
      const seconds = `${(elapsedMs / 1000).toFixed(1)}s`;
      const rate = `${count(Math.round(p.itemsRead / (elapsedMs / 1000)))}/s`;
      const read = count(p.itemsRead);
      const matched = `${count(p.matched)} matched`;
      const pages = plural(p.pages, "page", "pages");
      const known = estimate(p.itemsRead, p.total, elapsedMs);
      if (known === undefined) {
        return [
          `${read} read, ${matched}, ${pages}, ${rate}, ${seconds}`,
          `${read} read, ${matched}, ${seconds}`,
          `${read} read, ${matched}`,
          `${read} read`,
        ];
      }
      const { percent, left } = known;
      return [
        `${read} of about ${count(p.total as number)} read (${percent}), ${matched}, ${pages}, ${rate}, ${seconds}, about ${left} left`,
        `${read} read (${percent}), ${matched}, ${seconds}, ${left} left`,
        `${percent}, ${matched}, ${left} left`,
        `${percent}, ${left} left`,
        percent,
      ];
    });
  }

  /**
   * Draws an audit's progress: log files (and, from a bucket, their bytes) read of
   * those listed (share and time left), events and findings.
   */
  updateAudit(p: AuditProgress): void {
    this.#draw((elapsedMs) => {
      const seconds = `${(elapsedMs / 1000).toFixed(1)}s`;
      const events = plural(p.events, "event", "events");
      const findings = plural(p.findings, "finding", "findings");
      const known = p.filesRead === undefined ? undefined : estimate(p.filesRead, p.files, elapsedMs);
      if (known === undefined || p.filesRead === undefined || p.files === undefined) {
        const files = p.filesRead === undefined ? "" : `${plural(p.filesRead, "file", "files")}, `;
        return [`${files}${events}, ${findings}, ${seconds}`, `${events}, ${findings}`, events];
      }
      const { percent, left } = known;
      const bytes =
        p.bytesRead === undefined || p.bytes === undefined ? "" : `, ${byteSize(p.bytesRead)} of ${byteSize(p.bytes)}`;
      return [
        `${count(p.filesRead)} of ${plural(p.files, "file", "files")}${bytes} (${percent}), ${events}, ${findings}, ${seconds}, about ${left} left`,
        ...(bytes === ""
          ? []
          : [
              `${count(p.filesRead)} of ${plural(p.files, "file", "files")}${bytes} (${percent}), ${findings}, ${left} left`,
            ]),
        `${count(p.filesRead)}/${count(p.files)} files (${percent}), ${findings}, ${left} left`,
        `${percent}, ${findings}, ${left} left`,
        `${percent}, ${left} left`,
        percent,
      ];
    });
  }

  /** Draws the fitting form of `forms(elapsedMs)`, at most every REDRAW_EVERY_MS, after SHOW_AFTER_MS. */
  #draw(forms: (elapsedMs: number) => string[]): void {
    if (!this.#enabled) return;
    const nowMs = this.#clockMs();
    const elapsedMs = nowMs - this.#startedMs;
    if (elapsedMs < SHOW_AFTER_MS || nowMs - this.#lastDrawMs < REDRAW_EVERY_MS) return;
    this.#lastDrawMs = nowMs;
    const line = fitStatusLine(forms(elapsedMs), stderrWidth(this.#io));
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
