// The names of a KMS key as KMS gives them: `arn:PARTITION:kms:REGION:ACCOUNT:key/KEY_ID`.

const KEY_ID = "[A-Za-z0-9-]{1,128}";
const KEY_ARN = new RegExp(`^arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:key/(${KEY_ID})$`);
const KEY_ID_ONLY = new RegExp(`^${KEY_ID}$`);

/**
 * The key id of a well-formed KMS key ARN, else undefined.
 * @example keyIdOfArn("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab") // "1234abcd-12ab"
 */
export function keyIdOfArn(text: string): string | undefined {
  return KEY_ARN.exec(text)?.[1];
}

/** True for a key ARN or a bare key id (not an alias): what names one key without asking KMS. */
export function isKeyArnOrId(text: string): boolean {
  return keyIdOfArn(text) !== undefined || KEY_ID_ONLY.test(text);
}

/**
 * The region of anything written as a KMS ARN (`arn:aws:kms:eu-west-1:…`, an alias ARN too), else undefined.
 * @example regionOfKmsArn("arn:aws:kms:eu-west-1:123456789012:alias/evidence") // "eu-west-1"
 */
export function regionOfKmsArn(text: string): string | undefined {
  return /^arn:[^:]+:kms:([^:]+):/.exec(text)?.[1];
}
