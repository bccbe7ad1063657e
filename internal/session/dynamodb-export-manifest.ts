// The two manifests of a DynamoDB export to S3 (AWS's "DynamoDB table export
// output format"): manifest-summary.json, one JSON object about the export,
// and manifest-files.json, one JSON line per data file.
import { SentinelError } from "../aws/errors.ts";
import { isJsonObject } from "../aws/json-object.ts";

/** What manifest-summary.json says, checked. */
export type ExportSummary = {
  exportArn: string;
  exportTime: string;
  tableArn: string;
  /** The table's name and region, from `tableArn`. */
  table: string;
  region: string;
  itemCount: number;
};

/** One line of manifest-files.json; `name` is where the file is in the export: `data/<file name>`. */
export type DataFileEntry = { name: string; itemCount: number; md5Checksum: string; dataFileS3Key: string };

const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const BASE64_MD5 = /^[A-Za-z0-9+/]{22}==$/;

/** How to take an export this program reads, for the message that refuses another kind. */
function howToExport(tableArn: string): string {
  return `take a full DynamoDB JSON export: aws dynamodb export-table-to-point-in-time --table-arn ${tableArn || "TABLE_ARN"} --s3-bucket BUCKET --export-time TIME --export-format DYNAMODB_JSON --export-type FULL_EXPORT`;
}

/**
 * The table's name and region from its ARN.
 * @example tableOfArn("arn:aws:dynamodb:eu-west-1:111122223333:table/sentinel-sessions")
 *          // { table: "sentinel-sessions", region: "eu-west-1" }
 */
export function tableOfArn(arn: string): { table: string; region: string } | undefined {
  const match = /^arn:[a-z0-9-]+:dynamodb:([a-z0-9-]+):[0-9]*:table\/([A-Za-z0-9_.-]+)$/.exec(arn);
  return match === null ? undefined : { region: match[1] as string, table: match[2] as string };
}

/**
 * Reads manifest-summary.json (`label` names it in messages). Only full
 * exports in DynamoDB JSON are read: an Ion or incremental export is refused
 * with how to take a full one.
 */
export function readSummary(text: string, label: string): ExportSummary {
  const bad = (problem: string) =>
    new SentinelError(`${label} is not the summary of a DynamoDB export: ${problem}; check the export URI or folder`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  if (!isJsonObject(value)) throw bad("not a JSON object");
  const tableArn = typeof value.tableArn === "string" ? value.tableArn : "";
  const format = value.outputFormat;
  if (format !== undefined && format !== "DYNAMODB_JSON") {
    throw new SentinelError(
      `${label} describes an export in ${format === "ION" ? "Amazon Ion" : JSON.stringify(format)} format, and only DynamoDB JSON exports can be read: ${howToExport(tableArn)}`,
    );
  }
  const type = value.exportType;
  if ((type !== undefined && type !== "FULL_EXPORT") || value.exportFromTime !== undefined) {
    throw new SentinelError(
      `${label} describes an incremental export (the changes of a period, not the table at one time), and only full exports can be read: ${howToExport(tableArn)}`,
    );
  }
  for (const name of ["exportArn", "exportTime", "tableArn"] as const) {
    if (typeof value[name] !== "string" || value[name] === "") throw bad(`no "${name}"`);
  }
  if (format === undefined) throw bad('no "outputFormat"');
  if (!isCount(value.itemCount)) throw bad('no "itemCount"');
  const table = tableOfArn(tableArn);
  if (table === undefined) throw bad(`"tableArn" ${JSON.stringify(tableArn)} is not a DynamoDB table ARN`);
  return {
    exportArn: value.exportArn as string,
    exportTime: value.exportTime as string,
    tableArn,
    ...table,
    itemCount: value.itemCount,
  };
}

/**
 * Reads manifest-files.json: every line one data file, each found as
 * `data/<file name of dataFileS3Key>` (so a copy of the export reads like the
 * original). Their item counts must add up to the summary's `itemCount`.
 */
export function readFileList(text: string, label: string, summary: ExportSummary): DataFileEntry[] {
  const files: DataFileEntry[] = [];
  const names = new Set<string>();
  const lines = text.split("\n");
  // Blank lines at the end (an editor's or a copy's) hold no entry; one inside the list is damage.
  while (lines.length > 0 && (lines.at(-1) as string).trim() === "") lines.pop();
  lines.forEach((line, index) => {
    const bad = (problem: string) =>
      new SentinelError(`${label} line ${index + 1} ${problem}: the export is damaged; take a new export`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw bad("is not JSON");
    }
    if (!isJsonObject(value)) throw bad("is not a JSON object");
    const { itemCount, md5Checksum, dataFileS3Key } = value;
    if (!isCount(itemCount)) throw bad('has no "itemCount"');
    if (typeof md5Checksum !== "string" || !BASE64_MD5.test(md5Checksum)) throw bad('has no base64 "md5Checksum"');
    if (typeof dataFileS3Key !== "string") throw bad('has no "dataFileS3Key"');
    const fileName = dataFileS3Key.slice(dataFileS3Key.lastIndexOf("/") + 1);
    if (fileName === "" || fileName === "." || fileName === ".." || fileName.includes("\\")) {
      throw bad(`has a "dataFileS3Key" without a file name`);
    }
    const name = `data/${fileName}`;
    if (names.has(name)) throw bad(`names ${name} a second time`);
    names.add(name);
    files.push({ name, itemCount, md5Checksum, dataFileS3Key });
  });
  const listed = files.reduce((sum, file) => sum + file.itemCount, 0);
  if (listed !== summary.itemCount) {
    throw new SentinelError(
      `${label} counts ${listed} items in ${files.length} data files where manifest-summary.json says ${summary.itemCount}: the export is incomplete or damaged; take a new export`,
    );
  }
  return files;
}
