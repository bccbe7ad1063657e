import { createHash, type Hash } from "node:crypto";
import type { Text, Writer } from "../output/writer.ts";

/**
 * A Writer that passes everything on and hashes exactly the bytes it passed,
 * as they stream: the manifest's `sha256` equals `sha256sum` of the captured
 * output without a second pass over it.
 */
export class HashingWriter implements Writer {
  readonly #out: Writer;
  readonly #hash: Hash = createHash("sha256");
  #bytes = 0;

  constructor(out: Writer) {
    this.#out = out;
  }

  write(chunk: Text): void | Promise<void> {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    this.#hash.update(bytes);
    this.#bytes += bytes.length;
    return this.#out.write(bytes);
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** The hex SHA-256 of everything written; call once, at the end. */
  digest(): string {
    return this.#hash.digest("hex");
  }
}
