import { Command, CommanderError } from 'commander';
import { registerCommands } from './commands/index';
import { UsageError } from './errors';

const program = new Command('kubeflash')
  .description('Kubernetes-native ESP32 fleet management')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else if (err instanceof UsageError) {
    process.stderr.write(`kubeflash: ${err.message}\n`);
    process.exitCode = err.exitCode;
  } else {
    process.stderr.write(`kubeflash: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
