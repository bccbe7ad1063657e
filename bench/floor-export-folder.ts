// The floor of `--from-export DIR`: every data file of the export gunzipped
// and every line JSON.parse'd, CONCURRENCY files at once as the reader does,
// and nothing else (no MD5, no validation, no rows). Prints the items parsed.
// Usage: bun bench/floor-export-folder.ts EXPORT_DIR CONCURRENCY
import { createReadStream, readdirSync } from "node:fs";
import { join } from "node:path";
import { createGunzip } from "node:zlib";

const [dir = ".", concurrencyText] = process.argv.slice(2);
const concurrency = Number(concurrencyText ?? 16);
const data = join(dir, "data");
const files = readdirSync(data).filter((name) => name.endsWith(".json.gz"));
let items = 0;
let next = 0;

async function parseFile(path: string): Promise<void> {
  let partial = "";
  for await (const chunk of createReadStream(path).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    const text = partial + chunk.toString("utf8");
    let start = 0;
    for (let end = text.indexOf("\n"); end !== -1; end = text.indexOf("\n", start)) {
      JSON.parse(text.slice(start, end));
      items++;
      start = end + 1;
    }
    partial = text.slice(start);
  }
  if (partial !== "") {
    JSON.parse(partial);
    items++;
  }
}

await Promise.all(
  Array.from({ length: Math.min(concurrency, files.length) }, async () => {
    while (next < files.length) await parseFile(join(data, files[next++] as string));
  }),
);
console.log(items);
