import type { Command } from 'commander';
import { registerDevCommand } from './dev';
import { registerFlashCommand } from './flash';
import { registerNvsCommand } from './nvs';

/** Every `kubeflash` sub-command, registered in the order `--help` lists them. */
export function registerCommands(program: Command): void {
  registerDevCommand(program);
  registerNvsCommand(program);
  registerFlashCommand(program);
}
