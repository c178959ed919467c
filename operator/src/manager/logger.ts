/** Severity of a log record, lowest first. */
export const LogLevel = { Debug: 'debug', Info: 'info', Warn: 'warn', Error: 'error' } as const;
/** One of the log levels. */
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** How records are written: one JSON object per line (for log collectors), or readable text (for people). */
export const LogFormat = { Json: 'json', Text: 'text' } as const;
/** One of the log formats. */
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];

/** Structured context of a record: controller, object key, attempt, error... Never a secret value. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** The operator's logger: a message plus structured fields, filtered by level. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (e.g. the component). */
  with(fields: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Records below this level are dropped (default info). */
  level?: LogLevel;
  format?: LogFormat;
  /** Where each line goes (default standard output). */
  write?: (line: string) => void;
  now?: () => Date;
}

function textValue(value: string | number | boolean): string {
  const text = String(value);
  return /^[^\s"=]+$/.test(text) ? text : JSON.stringify(text);
}

/** A logger writing one line per record, as JSON (`{"time","level","msg",...fields}`) or as text. */
export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? LogLevel.Info];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const emit = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (RANK[level] < threshold) return;
    const all: LogFields = { ...bound, ...fields };
    const time = now().toISOString();
    if (options.format === LogFormat.Text) {
      const rest = Object.entries(all).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${textValue(v as string | number | boolean)}`);
      write([time, level.toUpperCase().padEnd(5), message, ...rest].join(' '));
    } else {
      write(JSON.stringify({ time, level, msg: message, ...all }));
    }
  };
  return {
    debug: (m, f) => emit(LogLevel.Debug, m, f),
    info: (m, f) => emit(LogLevel.Info, m, f),
    warn: (m, f) => emit(LogLevel.Warn, m, f),
    error: (m, f) => emit(LogLevel.Error, m, f),
    with: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (the default of library code that was given none). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  with: () => silentLogger,
};

/** Parses a `--log-level` value. */
export function parseLogLevel(text: string): LogLevel | undefined {
  return (Object.values(LogLevel) as string[]).includes(text) ? (text as LogLevel) : undefined;
}
