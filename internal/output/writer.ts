/** A sink for text; `write` may return a promise to apply back-pressure. */
export interface Writer {
  write(chunk: string): void | Promise<void>;
}

const FLUSH_AT_CHARS = 64 * 1024;

/** Collects small pieces and hands them to a Writer in large chunks. */
export class ChunkedWriter {
  readonly #out: Writer;
  #pending: string[] = [];
  #size = 0;

  constructor(out: Writer) {
    this.#out = out;
  }

  async add(text: string): Promise<void> {
    this.#pending.push(text);
    this.#size += text.length;
    if (this.#size >= FLUSH_AT_CHARS) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const chunk = this.#pending.join("");
    this.#pending = [];
    this.#size = 0;
    await this.#out.write(chunk);
  }
}
