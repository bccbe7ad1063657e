// The export writer lives in scripts/ (make local writes its sample export with it); tests import it from here.
export {
  type BuiltExport,
  buildExport,
  type DataFile,
  type ExportOptions,
  writeExportToBucket,
  writeExportToFolder,
} from "../../scripts/dynamodb-export-writer.ts";
