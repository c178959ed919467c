export * from './constants';
export * from './types';
export { NvsInputError, NvsSizeError, NvsFormatError, type NvsInputErrorDetails } from './errors';
export { parseNvsCsv, type NvsCsvRow } from './csv';
export { buildNvsImageFromCsv, nvsOpsFromCsvRows, type NvsCsvBuildOptions, type NvsFileReader } from './from-csv';
export { buildNvsImage, nvsOpsFromEntries } from './entries';
export {
  writeNvsImage,
  nvsPartitionLayout,
  encodeNvsKey,
  transformUsedNvsEntries,
  type NvsWriteOp,
  type NvsWriteOptions,
  type NvsPartitionLayout,
} from './writer';
export {
  parseNvsImage,
  nvsToolMinimalRecords,
  formatNvsToolJson,
  type NvsParsedImage,
  type NvsParsedPage,
  type NvsParsedItem,
  type NvsIssue,
  type NvsReadOptions,
  type NvsPageStateName,
  type NvsEntryStateName,
  type NvsToolMinimalRecord,
} from './reader';
export {
  NVS_KEYS_PARTITION_SIZE,
  NVS_XTS_KEY_BYTES,
  buildNvsKeyPartition,
  parseNvsKeyPartition,
  deriveNvsKeysFromHmacKey,
  generateNvsKeys,
  secureRandomBytes,
  nvsXtsKey,
  type NvsKeys,
} from './keys';
export { NVS_INTEGER_TYPES, integerRange, isNvsIntegerType } from './integers';
