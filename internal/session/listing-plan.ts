import { createdAtTextRange } from "../timefilter/widen.ts";
import type { SessionFilter } from "./session.ts";

type AttributeValueS = { S: string };

/** One DynamoDB read (Query on an index, or Scan) that returns a superset of the matching items. */
export type ListingPlan = {
  operation: "Query" | "Scan";
  indexName?: string;
  keyConditionExpression?: string;
  filterExpression?: string;
  projectionExpression: string;
  expressionAttributeNames: Record<string, string>;
  expressionAttributeValues: Record<string, AttributeValueS>;
};

/** Attributes a listing reads: the output fields plus created_at. */
export const LISTING_ATTRIBUTES = [
  "id",
  "user",
  "profile",
  "status",
  "started_at",
  "last_access_at",
  "expires_at",
  "created_at",
  "request_count",
  "server_instance_id",
  "source_identity",
] as const;

type FilterAttribute = "user" | "profile" | "status";

/** Index per equality filter, most selective first. */
const INDEXES: { attribute: FilterAttribute; indexName: string }[] = [
  { attribute: "user", indexName: "gsi-user" },
  { attribute: "profile", indexName: "gsi-profile" },
  { attribute: "status", indexName: "gsi-status" },
];

// Every attribute goes through a placeholder: "user" and "status" are reserved
// words, and user-supplied text only ever travels as an expression value.
const nameOf = (attribute: string) => `#${attribute}`;

// Every timestamp text starts with a digit: text below "0" or from ":" (the
// character after "9") up cannot be one, and is read so it is reported as
// malformed instead of vanishing behind the window's text range.
const NOT_A_TIMESTAMP_BELOW = "0";
const NOT_A_TIMESTAMP_FROM = ":";

/**
 * The read for a filter: a Query on the index of the most selective equality
 * filter (user, then profile, then status) with `created_at` as a key range,
 * or a Scan when there is none or `useIndex` is false. The `created_at` range
 * is widened for zone offsets, so callers filter exactly afterwards. A Scan
 * also returns items whose `created_at` is missing, not a string, or text that
 * cannot be a timestamp; for a Query, `planOutlierQueries` covers those.
 */
export function planListing(filter: SessionFilter, useIndex = true): ListingPlan {
  const range = createdAtTextRange(filter.window);
  const values: Record<string, AttributeValueS> = { ":created_high": { S: range.high } };
  if (range.low !== undefined) values[":created_low"] = { S: range.low };
  const inRange =
    range.low === undefined ? "#created_at <= :created_high" : "#created_at BETWEEN :created_low AND :created_high";
  const keyed = useIndex ? INDEXES.find(({ attribute }) => filter[attribute] !== undefined) : undefined;
  if (keyed !== undefined) return queryPlan(filter, keyed, inRange, values);
  Object.assign(values, {
    ":string_type": { S: "S" },
    ":not_below": { S: NOT_A_TIMESTAMP_BELOW },
    ":not_from": { S: NOT_A_TIMESTAMP_FROM },
  });
  const created = `(${inRange} OR NOT attribute_type(#created_at, :string_type) OR #created_at < :not_below OR #created_at >= :not_from)`;
  const conditions = [...equalities(filter, values), created];
  return { operation: "Scan", filterExpression: conditions.join(" AND "), ...projection(values) };
}

/** For a Query plan, the reads of the same key whose `created_at` text cannot be a timestamp. */
export function planOutlierQueries(filter: SessionFilter, plan: ListingPlan): ListingPlan[] {
  const keyed = INDEXES.find(({ indexName }) => indexName === plan.indexName);
  if (plan.operation !== "Query" || keyed === undefined) return [];
  return [
    queryPlan(filter, keyed, "#created_at < :not_below", { ":not_below": { S: NOT_A_TIMESTAMP_BELOW } }),
    queryPlan(filter, keyed, "#created_at >= :not_from", { ":not_from": { S: NOT_A_TIMESTAMP_FROM } }),
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
  for (const attribute of LISTING_ATTRIBUTES) names[nameOf(attribute)] = attribute;
  return {
    projectionExpression: LISTING_ATTRIBUTES.map(nameOf).join(", "),
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
