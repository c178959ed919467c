import type { Command } from 'commander';
import { registerDevCommand } from './dev';
import { registerNvsCommand } from './nvs';

/** Every `kubeflash` sub-command, registered in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerDevCommand(program);
  registerNvsCommand(program);
}
