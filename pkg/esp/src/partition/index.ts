export type { PartitionEntry, PartitionFlags, PartitionTable } from './types';
export {
  DEFAULT_PARTITION_TABLE_OFFSET,
  MAX_PARTITION_ENTRIES,
  PARTITION_SUBTYPES,
  PARTITION_TABLE_BINARY_LENGTH,
  PartitionType,
  type PartitionTypeName,
} from './constants';
export { PartitionTableError, type PartitionTableErrorContext } from './errors';
export {
  knownSubtypeNames,
  partitionSubtypeFromName,
  partitionSubtypeName,
  partitionTypeFromName,
  partitionTypeName,
} from './names';
export { parseNumberField, parsePythonInt } from './numbers';
export { parsePartitionCsv, partitionTableToCsv, truncateLabel, type ParsePartitionCsvOptions } from './csv';
export { partitionTableToBinary, parsePartitionTableBinary } from './binary';
export {
  checkPartitionTableFitsFlash,
  verifyPartitionTable,
  type SecureBootVersion,
  type VerifyPartitionTableOptions,
} from './verify';
export { findPartition, findPartitions, type PartitionQuery } from './find';
