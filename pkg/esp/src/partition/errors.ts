/** Where in the input a partition table problem was found. */
export interface PartitionTableErrorContext {
  /** 1-based line of the CSV input, when the table came from CSV. */
  line?: number;
  /** Label of the partition concerned, when one is. */
  partition?: string;
}

/**
 * A partition table that cannot be parsed, encoded or accepted. The message already names the CSV line
 * and the partition when they are known; they are also available as fields.
 */
export class PartitionTableError extends Error {
  readonly line: number | undefined;
  readonly partition: string | undefined;

  constructor(message: string, context: PartitionTableErrorContext = {}) {
    super(withContext(message, context));
    this.name = 'PartitionTableError';
    this.line = context.line;
    this.partition = context.partition;
  }
}

function withContext(message: string, { line, partition }: PartitionTableErrorContext): string {
  const where = [line === undefined ? '' : `line ${line}`, partition === undefined ? '' : `partition "${partition}"`]
    .filter(Boolean)
    .join(', ');
  return where ? `${where}: ${message}` : message;
}
