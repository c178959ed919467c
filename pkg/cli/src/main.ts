import { Command } from 'commander';
import { runCommandLine } from '@kubeflash/operator/cli';
import { registerCommands } from './commands/index';

const program = new Command('kubeflash')
  .description('Kubernetes-native ESP32 fleet management')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);
await runCommandLine(program, 'kubeflash');
