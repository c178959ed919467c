import { CommanderError, type Command } from 'commander';
import { UsageError } from './errors';

/**
 * Parses the command line and runs the chosen command; prints a usage error's message (never a stack trace)
 * and sets the exit code: commander's own, the UsageError's, or 1 for anything else.
 */
export async function runCommandLine(program: Command, name: string, argv = process.argv): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
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
