/** The id column of a CSV export (header left out); ids never need quoting. */
export function csvIds(csv: string): string[] {
  return csv
    .split("\n")
    .slice(1, -1)
    .map((line) => line.split(",")[0] as string);
}
