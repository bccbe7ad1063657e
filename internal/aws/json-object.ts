/** True for a JSON object (not null, not an array): what a parsed answer, item or record must be. */
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
