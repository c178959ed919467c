import type { Command, CommanderError } from 'commander';
import { UsageError } from './errors';

/**
 * Parses the command line and runs the chosen command; prints a usage error's message (never a stack trace)
 * and sets the exit code: commander's own, the UsageError's, or 1 for anything else.
 */
/**
 * Whether an error is commander's own (help shown, unknown option...). Checked by its code, not by class:
 * the CLI and the operator each carry their own copy of commander.
 */
function isCommanderError(err: unknown): err is CommanderError {
  return err instanceof Error && typeof (err as CommanderError).code === 'string' && (err as CommanderError).code.startsWith('commander.');
}

export async function runCommandLine(program: Command, name: string, argv = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (isCommanderError(err)) {
      process.exitCode = err.exitCode;
    } else if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${err.message}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`${name}: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
