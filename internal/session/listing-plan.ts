import { createdAtTextRange } from "../timefilter/widen.ts";
import { ITEM_ATTRIBUTES } from "./item-schema.ts";
import type { SessionFilter } from "./session.ts";

type AttributeValueS = { S: string };

/** One DynamoDB read (Query on an index, or Scan). */
export type ListingPlan = {
  operation: "Query" | "Scan";
  indexName?: string;
  keyConditionExpression?: string;
  filterExpression?: string;
  projectionExpression: string;
  expressionAttributeNames: Record<string, string>;
  expressionAttributeValues: Record<string, AttributeValueS>;
};

/** The `created_at` text range of a listing: it holds the text of every item placed in the window. */
export type TextRange = { low: string; high: string };

type FilterAttribute = "user" | "profile" | "status";

/** Index per equality filter, most selective first. */
const INDEXES: { attribute: FilterAttribute; indexName: string }[] = [
  { attribute: "user", indexName: "gsi-user" },
  { attribute: "profile", indexName: "gsi-profile" },
  { attribute: "status", indexName: "gsi-status" },
];

// Every attribute goes through a placeholder: "user", "status" and "ttl" are
// reserved words, and user-supplied text only ever travels as an expression value.
const nameOf = (attribute: string) => `#${attribute}`;

// Text that starts with a digit is at least "0" and below ":" (the character
// after "9"). A timestamp starts with a digit; text outside ["0", ":") cannot
// be placed in time at all.
const DIGIT_FIRST = "0";
const AFTER_DIGITS = ":";

/*
 * The invariant of every plan: each item is either read (exactly once) and
 * then classified exactly, or it cannot match.
 *
 * - A valid timestamp inside the window has text in the range [low, high]
 *   of `textRange` (widen.ts: whole days around the window, any case of
 *   "T"/"Z", any fraction and offset), and so has malformed text placed in
 *   the window by the date it begins with (SPEC §5, leading-date.ts: the
 *   start of that UTC day), whatever follows the date. The main read covers
 *   that range: an index's key condition, or a Scan's filter. Items read are
 *   then validated (SPEC §1) and filtered on parsed or placed instants
 *   (`inWindow`), so the range may hold more than the window.
 * - Text that starts with a digit but lies outside the range is a valid
 *   timestamp outside the window, or malformed text placed outside it: it
 *   cannot match. Text that starts with a digit but with no real date
 *   ("2026-02-30…", "2026-1-5") cannot be placed: it is reported by the
 *   reads whose range holds it, as they are the ones that see it.
 * - Text that does not start with a digit (below "0", or from ":" on),
 *   a `created_at` that is not a string, or none at all cannot be placed in
 *   or out of the window: the Scan's filter keeps those, and on an index the
 *   outlier queries (`planOutlierQueries`) read them (an index holds no item
 *   without its sort key, nor one whose key has another type). They are
 *   reported as malformed when their equality filters match.
 * - The reads do not overlap: the range starts at "0" or later (a four-digit
 *   year) and its high end starts with a digit, so it lies inside ["0", ":"),
 *   while the outlier queries read below "0" and from ":". The store still
 *   counts malformed items by key, in case a read meets one twice.
 * - Equality filters compare the stored string: an item whose `user` is
 *   missing or not a string never equals `--user alice`, in a key condition,
 *   a filter expression, or the store's check of a malformed item alike.
 */

/** The `created_at` text range read for a filter's window (see the invariant above). */
export function textRange(filter: SessionFilter): TextRange {
  const range = createdAtTextRange(filter.window);
  return { low: range.low ?? DIGIT_FIRST, high: range.high };
}

/**
 * The read for a filter: a Query on the index of the most selective equality
 * filter (user, then profile, then status) with the `created_at` text range as
 * its key range, or a Scan when there is none or `useIndex` is false. A Scan
 * also returns the items whose `created_at` cannot be placed; for a Query,
 * `planOutlierQueries` reads those. Every attribute of SPEC §1 is read, so
 * every item can be validated in full.
 */
export function planListing(filter: SessionFilter, useIndex = true): ListingPlan {
  const range = textRange(filter);
  const values: Record<string, AttributeValueS> = {
    ":created_low": { S: range.low },
    ":created_high": { S: range.high },
  };
  const inRange = "#created_at BETWEEN :created_low AND :created_high";
  const keyed = useIndex ? INDEXES.find(({ attribute }) => filter[attribute] !== undefined) : undefined;
  if (keyed !== undefined) return queryPlan(filter, keyed, inRange, values);
  Object.assign(values, {
    ":string_type": { S: "S" },
    ":digit_first": { S: DIGIT_FIRST },
    ":after_digits": { S: AFTER_DIGITS },
  });
  const created = `(${inRange} OR NOT attribute_type(#created_at, :string_type) OR #created_at < :digit_first OR #created_at >= :after_digits)`;
  const conditions = [...equalities(filter, values), created];
  return { operation: "Scan", filterExpression: conditions.join(" AND "), ...projection(values) };
}

/** For a Query plan, the reads of the same key whose `created_at` text does not start with a digit. */
export function planOutlierQueries(filter: SessionFilter, plan: ListingPlan): ListingPlan[] {
  const keyed = INDEXES.find(({ indexName }) => indexName === plan.indexName);
  if (plan.operation !== "Query" || keyed === undefined) return [];
  return [
    queryPlan(filter, keyed, "#created_at < :digit_first", { ":digit_first": { S: DIGIT_FIRST } }),
    queryPlan(filter, keyed, "#created_at >= :after_digits", { ":after_digits": { S: AFTER_DIGITS } }),
  ];
}

function queryPlan(
  filter: SessionFilter,
  keyed: { attribute: FilterAttribute; indexName: string },
  createdCondition: string,
  values: Record<string, AttributeValueS>,
): ListingPlan {
  const [key, ...rest] = equalities(filter, values, keyed.attribute);
  return {
    operation: "Query",
    indexName: keyed.indexName,
    keyConditionExpression: `${key} AND ${createdCondition}`,
    ...(rest.length > 0 ? { filterExpression: rest.join(" AND ") } : {}),
    ...projection(values),
  };
}

/** `#attr = :attr` for each equality filter given (the keyed one first), adding its value. */
function equalities(filter: SessionFilter, values: Record<string, AttributeValueS>, first?: FilterAttribute): string[] {
  const given = INDEXES.map(({ attribute }) => attribute).filter((attribute) => filter[attribute] !== undefined);
  const ordered = first === undefined ? given : [first, ...given.filter((attribute) => attribute !== first)];
  return ordered.map((attribute) => {
    values[`:${attribute}`] = { S: filter[attribute] as string };
    return `${nameOf(attribute)} = :${attribute}`;
  });
}

function projection(values: Record<string, AttributeValueS>) {
  const names: Record<string, string> = {};
  for (const attribute of ITEM_ATTRIBUTES) names[nameOf(attribute)] = attribute;
  return {
    projectionExpression: ITEM_ATTRIBUTES.map(nameOf).join(", "),
    expressionAttributeNames: names,
    expressionAttributeValues: values,
  };
}

/** A one-line account of a plan for --debug. */
export function describePlan(plan: ListingPlan, segments: number): string {
  const values = Object.entries(plan.expressionAttributeValues)
    .map(([k, v]) => `${k}=${JSON.stringify(v.S)}`)
    .join(" ");
  const head =
    plan.operation === "Query"
      ? `Query index ${plan.indexName} key "${plan.keyConditionExpression}"`
      : `Scan in ${segments} segment(s)`;
  const filter = plan.filterExpression === undefined ? "" : ` filter "${plan.filterExpression}"`;
  return `${head}${filter} values ${values}`;
}
