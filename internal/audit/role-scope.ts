/** `--role` values: an exact role ARN, or a prefix when it ends in `*`. */
export type RoleScope = readonly { arn: string; prefix: boolean }[];

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::\d{12}:role\/[\w+=,.@/-]*$/;
const ROLE_ARN_PREFIX = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b):iam::(\d{12}:(role\/[\w+=,.@/-]*)?)?$/;

/**
 * Reads one `--role` value; `undefined` when it is not a role ARN (or an ARN prefix ending in `*`).
 * @example parseRole("arn:aws:iam::123456789012:role/prod-*") // { arn: "arn:aws:iam::123456789012:role/prod-", prefix: true }
 */
export function parseRole(value: string): { arn: string; prefix: boolean } | undefined {
  if (value.endsWith("*")) {
    const arn = value.slice(0, -1);
    return ROLE_ARN_PREFIX.test(arn) ? { arn, prefix: true } : undefined;
  }
  return ROLE_ARN.test(value) && !value.endsWith("/") ? { arn: value, prefix: false } : undefined;
}

/** True when the role is in scope; an empty scope holds every role. */
export function inScope(roleArn: string, scope: RoleScope): boolean {
  if (scope.length === 0) return true;
  return scope.some((r) => (r.prefix ? roleArn.startsWith(r.arn) : roleArn === r.arn));
}
