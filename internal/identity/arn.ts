const PARTITION = "(?:aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b)";
const ACCOUNT = "\\d{12}";
const IAM_USER = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:user/(?:.*/)?([^/]+)$`);
const IAM_ROOT = new RegExp(`^arn:${PARTITION}:iam::${ACCOUNT}:root$`);
const ASSUMED_ROLE = new RegExp(`^arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/[^/]+/([^/]+)$`);
const FEDERATED_USER = new RegExp(`^arn:${PARTITION}:sts::${ACCOUNT}:federated-user/([^/]+)$`);

const MAX_NAME_CHARS = 20;

/**
 * The Sentinel user name of a caller ARN (SPEC §4): the IAM user name, `root`,
 * the assumed-role session name or the federated user name, kept to
 * `[A-Za-z0-9]` and 20 characters. Throws when the ARN is none of these or
 * leaves no name.
 * @example userNameFromArn("arn:aws:sts::123456789012:assumed-role/Admin/alice.smith@example.com") // "alicesmithexamplecom"
 */
export function userNameFromArn(arn: string): string {
  let raw: string | undefined;
  if (IAM_ROOT.test(arn)) raw = "root";
  else raw = (IAM_USER.exec(arn) ?? ASSUMED_ROLE.exec(arn) ?? FEDERATED_USER.exec(arn))?.[1];
  if (raw === undefined) throw new Error(`unsupported caller ARN "${arn}"`);
  const name = raw.replace(/[^A-Za-z0-9]/g, "").slice(0, MAX_NAME_CHARS);
  if (name === "") throw new Error(`caller ARN "${arn}" gives an empty user name`);
  return name;
}
