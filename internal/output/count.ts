/**
 * A thousands-separated count, e.g. 1,500.
 * @example thousands(1500) // "1,500"
 */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
