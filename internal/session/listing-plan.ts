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

/**
 * The read for a filter: a Query on the index of the most selective equality
 * filter (user, then profile, then status) with `created_at` as a key range,
 * or a Scan when there is none or `useIndex` is false. The `created_at` range
 * is widened for zone offsets, so callers filter exactly afterwards.
 */
export function planListing(filter: SessionFilter, useIndex = true): ListingPlan {
  const names: Record<string, string> = {};
  for (const attribute of LISTING_ATTRIBUTES) names[nameOf(attribute)] = attribute;
  const values: Record<string, AttributeValueS> = {};
  const range = createdAtTextRange(filter.window);
  values[":created_high"] = { S: range.high };
  if (range.low !== undefined) values[":created_low"] = { S: range.low };
  const createdCondition =
    range.low === undefined ? "#created_at <= :created_high" : "#created_at BETWEEN :created_low AND :created_high";

  const equalities = INDEXES.filter(({ attribute }) => filter[attribute] !== undefined);
  for (const { attribute } of equalities) values[`:${attribute}`] = { S: filter[attribute] as string };
  const equalityText = (attribute: FilterAttribute) => `${nameOf(attribute)} = :${attribute}`;

  const base = {
    projectionExpression: LISTING_ATTRIBUTES.map(nameOf).join(", "),
    expressionAttributeNames: names,
    expressionAttributeValues: values,
  };
  const keyed = useIndex ? equalities[0] : undefined;
  if (keyed === undefined) {
    const conditions = [...equalities.map(({ attribute }) => equalityText(attribute)), createdCondition];
    return { operation: "Scan", filterExpression: conditions.join(" AND "), ...base };
  }
  const rest = equalities.filter((e) => e !== keyed).map(({ attribute }) => equalityText(attribute));
  return {
    operation: "Query",
    indexName: keyed.indexName,
    keyConditionExpression: `${equalityText(keyed.attribute)} AND ${createdCondition}`,
    ...(rest.length > 0 ? { filterExpression: rest.join(" AND ") } : {}),
    ...base,
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
