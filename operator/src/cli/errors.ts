/**
 * An error caused by the user's input (bad file, bad argument). The CLI prints only its message,
 * never a stack trace, and exits with `exitCode`.
 */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UsageError';
  }
}
