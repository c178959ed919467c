import type { Command } from 'commander';
import { registerDevCommand } from './dev';

/** Every `kubeflash` sub-command, registered in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerDevCommand(program);
}
